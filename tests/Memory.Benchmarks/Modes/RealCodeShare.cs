using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Memory.Benchmarks.Analyzers;
using Memory.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Memory.Benchmarks.Modes;

/// <summary>
/// <c>--real-code [sources] [--runs N] [--defines A;B]</c>: what the analyzers (per analyzer, so per rule) and the
/// generator cost over a real code base, each as a share of the compiler's own time for the same sources.
/// </summary>
/// <remarks>
/// <para>
/// The sources are directories and files (see <see cref="RealCodeSources"/>), from the argument or from the
/// <c>MEMORY_REAL_CODE</c> variable; with neither the mode says so and exits 0, as CI's smoke run has no real code.
/// <c>synthetic</c> measures the synthetic workload of <see cref="AnalyzerBenchmarks"/> the same way.
/// </para>
/// <para>
/// Each run takes a fresh compilation, as a build does: the compiler alone (diagnostics and emit), then the analyzers
/// on that compilation under <c>CompilationWithAnalyzers</c> with execution-time telemetry, the generator under a generator driver
/// with its timing, and a floor generator with a single <c>ForAttributeWithMetadataName</c> pipeline that finds
/// <c>[ClassAllocator]</c> and does nothing else. Everything runs on one thread, so shares compare like with like;
/// the first run warms up and is dropped. Medians with their spread are printed, shares before absolute times
/// because the machine the figures come from is shared.
/// </para>
/// </remarks>
public static class RealCodeShare
{
    public static int Run(IReadOnlyList<string> args)
    {
        string? specification = null, defines = null;
        int runs = 3;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--runs" when i + 1 < args.Count:
                    runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--defines" when i + 1 < args.Count:
                    defines = args[++i];
                    break;
                default:
                    specification = args[i];
                    break;
            }
        }
        specification ??= System.Environment.GetEnvironmentVariable(RealCodeSources.Variable);
        var sources = specification == "synthetic" ? RealCodeSources.Synthetic() : RealCodeSources.Load(specification, defines);
        if (sources is null)
        {
            Console.WriteLine($"--real-code: no sources given (argument or {RealCodeSources.Variable}); nothing measured.");
            return 0;
        }

        Console.WriteLine($"{sources.Name}: {sources.Trees.Length} files, {sources.Lines:N0} lines");
        PrintDensity(sources);
        var analyzers = System.Environment.GetEnvironmentVariable("MEMORY_REAL_CODE_PROBES") == "1"
            ? AnalyzerBenchmarks.CreateAnalyzers().AddRange(RegistrationProbe.All)
            : AnalyzerBenchmarks.CreateAnalyzers();
        var measured = new List<Measurement>();
        for (int run = 0; run <= runs; run++)
        {
            var measurement = Measure(sources, analyzers, run);
            Console.WriteLine(measurement.Describe(run == 0 ? "warm-up" : "run " + run.ToString(CultureInfo.InvariantCulture)));
            if (run > 0)
                measured.Add(measurement);
        }
        PrintMedians(measured);
        if (System.Environment.GetEnvironmentVariable("MEMORY_REAL_CODE_PER_FILE") == "1")
            PrintCostliestFiles(sources, analyzers);
        if (System.Environment.GetEnvironmentVariable("MEMORY_REAL_CODE_LIST") is { Length: > 0 } listed)
            PrintDiagnostics(sources, analyzers, listed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return 0;
    }

    /// <summary>Every diagnostic of the given rules (or compiler errors, CSxxxx) with its place and message, for reading the reports by hand.</summary>
    private static void PrintDiagnostics(RealCodeSources sources, ImmutableArray<DiagnosticAnalyzer> analyzers, string[] ids)
    {
        var compilation = sources.CreateCompilation();
        var diagnostics = compilation.GetDiagnostics()
            .AddRange(compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult());
        foreach (var diagnostic in diagnostics.Where(d => ids.Contains(d.Id, StringComparer.OrdinalIgnoreCase))
                     .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start))
        {
            var line = diagnostic.Location.GetLineSpan();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{diagnostic.Id} {line.Path}:{line.StartLinePosition.Line + 1}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}"));
        }
    }

    /// <summary>Where each analyzer spends its time: the files it costs most in, analysed one at a time.</summary>
    private static void PrintCostliestFiles(RealCodeSources sources, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var compilation = sources.CreateCompilation();
        var withAnalyzers = compilation.WithAnalyzers(analyzers,
            new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
        var perFile = analyzers.ToDictionary(a => a, _ => new List<(string File, TimeSpan Time)>());
        var before = analyzers.ToDictionary(a => a, _ => TimeSpan.Zero);
        foreach (var tree in compilation.SyntaxTrees)
        {
            withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), filterSpan: null, CancellationToken.None).GetAwaiter().GetResult();
            foreach (var analyzer in analyzers)
            {
                var total = withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime;
                perFile[analyzer].Add((Path.GetFileName(tree.FilePath), total - before[analyzer]));
                before[analyzer] = total;
            }
        }
        foreach (var (analyzer, files) in perFile)
        {
            Console.WriteLine($"{analyzer.GetType().Name}: " + string.Join(", ", files.OrderByDescending(f => f.Time).Take(6)
                .Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.File} {f.Time.TotalMilliseconds:F1} ms"))));
        }
    }

    private sealed record Measurement(TimeSpan Compile, int Errors, ImmutableDictionary<string, TimeSpan> Analyzers,
        TimeSpan Generator, TimeSpan FloorGenerator, TimeSpan BothAttributesFloor, ImmutableDictionary<string, int> DiagnosticsById)
    {
        public TimeSpan AllAnalyzers => Analyzers.Values.Aggregate(TimeSpan.Zero, (sum, time) => sum + time);

        public double Share(TimeSpan time) => time.TotalSeconds / Compile.TotalSeconds;

        public string Describe(string label)
            => string.Create(CultureInfo.InvariantCulture,
                $"  {label}: compile {Compile.TotalMilliseconds:F0} ms ({Errors} errors), analyzers {AllAnalyzers.TotalMilliseconds:F0} ms = {Share(AllAnalyzers):P2}, " +
                $"generator {Generator.TotalMilliseconds:F0} ms = {Share(Generator):P2}, floor generator {FloorGenerator.TotalMilliseconds:F0} ms = {Share(FloorGenerator):P2}; " +
                $"diagnostics {string.Join(", ", DiagnosticsById.OrderBy(p => p.Key).Select(p => p.Key + "=" + p.Value))}");
    }

    private static Measurement Measure(RealCodeSources sources, ImmutableArray<DiagnosticAnalyzer> analyzers, int run)
    {
        var timer = Stopwatch.StartNew();
        var compilation = sources.CreateCompilation();
        int errors = compilation.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
        using (var stream = new MemoryStream())
            compilation.Emit(stream);
        var compile = timer.Elapsed;

        // The analyzers run on the compilation just compiled, as in a build, where the compiler has bound every
        // declaration and body for itself: on a fresh compilation, the first analyzer to ask for a type's base or a
        // method's symbols would be charged for the compiler's own lazy work.
        var withAnalyzers = compilation.WithAnalyzers(analyzers,
            new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
        var result = withAnalyzers.GetAnalysisResultAsync(CancellationToken.None).GetAwaiter().GetResult();
        var perAnalyzer = result.AnalyzerTelemetryInfo.ToImmutableDictionary(p => p.Key.GetType().Name, p => p.Value.ExecutionTime);
        var diagnostics = result.GetAllDiagnostics().GroupBy(d => d.Id).ToImmutableDictionary(g => g.Key, g => g.Count());

        // The first generator of a process also pays for compiling the driver's own code: MEMORY_REAL_CODE_FLOOR_FIRST=1
        // gives that first, cold run to the floor, to tell the generator's cost from the driver's warm-up. After it,
        // the three generators take turns at going first, as the first generator on a compilation was seen to pay
        // a few milliseconds more than the ones after it.
        bool floorFirst = System.Environment.GetEnvironmentVariable("MEMORY_REAL_CODE_FLOOR_FIRST") == "1";
        var generators = new Func<IIncrementalGenerator>[] { () => new MemoryGenerator(), () => new AttributeLookupFloor(), () => AttributeLookupFloor.BothAttributes };
        var times = new TimeSpan[generators.Length];
        int first = floorFirst && run == 0 ? 1 : run % generators.Length;
        for (int i = 0; i < generators.Length; i++)
        {
            int which = (first + i) % generators.Length;
            times[which] = RunGenerator(generators[which](), sources);
        }
        return new Measurement(compile, errors, perAnalyzer, times[0], times[1], times[2], diagnostics);
    }

    private static TimeSpan RunGenerator(IIncrementalGenerator generator, RealCodeSources sources)
    {
        var compilation = sources.CreateCompilation();
        GeneratorDriver driver = CSharpGeneratorDriver.Create([generator.AsSourceGenerator()],
            parseOptions: (CSharpParseOptions)sources.Trees[0].Options,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));
        driver = driver.RunGenerators(compilation);
        return driver.GetTimingInfo().GeneratorTimes.Single().ElapsedTime;
    }

    private static void PrintMedians(List<Measurement> measured)
    {
        Console.WriteLine($"Medians over {measured.Count} runs (min-max), as shares of compile time:");
        Line("compile (ms)", measured.Select(m => m.Compile.TotalMilliseconds), "F0");
        Line("all analyzers", measured.Select(m => m.Share(m.AllAnalyzers)), "P2");
        foreach (string analyzer in measured[0].Analyzers.Keys.Order(StringComparer.Ordinal))
            Line("  " + analyzer, measured.Select(m => m.Share(m.Analyzers[analyzer])), "P2");
        Line("generator", measured.Select(m => m.Share(m.Generator)), "P2");
        Line("floor generator", measured.Select(m => m.Share(m.FloorGenerator)), "P2");
        Line("floor, both attributes", measured.Select(m => m.Share(m.BothAttributesFloor)), "P2");
        Line("generator (ms)", measured.Select(m => m.Generator.TotalMilliseconds), "F1");
        Line("floor generator (ms)", measured.Select(m => m.FloorGenerator.TotalMilliseconds), "F1");
        Line("floor, both attributes (ms)", measured.Select(m => m.BothAttributesFloor.TotalMilliseconds), "F1");
    }

    private static void Line(string label, IEnumerable<double> values, string format)
    {
        var sorted = values.Order().ToList();
        double median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {label,-36} {median.ToString(format, CultureInfo.InvariantCulture),10}  ({sorted[0].ToString(format, CultureInfo.InvariantCulture)}-{sorted[^1].ToString(format, CultureInfo.InvariantCulture)})"));
    }

    /// <summary>The densities the synthetic workload is matched to, per 1,000 lines.</summary>
    private static void PrintDensity(RealCodeSources sources)
    {
        int staticInitializers = 0, staticConstructors = 0, nativeCalls = 0, attributedTypes = 0;
        foreach (var tree in sources.Trees)
        {
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                switch (node)
                {
                    case FieldDeclarationSyntax field when field.Modifiers.Any(SyntaxKind.StaticKeyword) && !field.Modifiers.Any(SyntaxKind.ConstKeyword):
                        staticInitializers += field.Declaration.Variables.Count(v => v.Initializer is not null);
                        break;
                    case PropertyDeclarationSyntax { Initializer: not null } property when property.Modifiers.Any(SyntaxKind.StaticKeyword):
                        staticInitializers++;
                        break;
                    case ConstructorDeclarationSyntax constructor when constructor.Modifiers.Any(SyntaxKind.StaticKeyword):
                        staticConstructors++;
                        break;
                    case MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "NativeMemory" or "Marshal" } } access
                        when access.Parent is InvocationExpressionSyntax && IsNativeAllocationName(access.Name.Identifier.ValueText):
                        nativeCalls++;
                        break;
                    case AttributeSyntax attribute when attribute.Name.ToString() is "ClassAllocator" or "TypeId" or "Memory.ClassAllocator" or "Memory.TypeId":
                        attributedTypes++;
                        break;
                }
            }
        }
        double perThousand = 1000.0 / sources.Lines;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Per 1,000 lines: {staticInitializers * perThousand:F2} static initialisers, {staticConstructors * perThousand:F2} static constructors, " +
            $"{nativeCalls * perThousand:F2} native allocation calls, {attributedTypes * perThousand:F2} attributed types"));
    }

    private static bool IsNativeAllocationName(string name)
        => name is "Alloc" or "AllocZeroed" or "AlignedAlloc" or "Realloc" or "AlignedRealloc" or "Free" or "AlignedFree"
            or "AllocHGlobal" or "ReAllocHGlobal" or "FreeHGlobal" or "AllocCoTaskMem" or "ReAllocCoTaskMem" or "FreeCoTaskMem"
            || name.StartsWith("StringToHGlobal", StringComparison.Ordinal) || name.StartsWith("StringToCoTaskMem", StringComparison.Ordinal);

    /// <summary>
    /// The least a generator on <c>ForAttributeWithMetadataName</c> costs: the lookup of <c>[ClassAllocator]</c> alone,
    /// or of both our attributes, as the generator has to (<see cref="BothAttributes"/>); no output.
    /// </summary>
    private sealed class AttributeLookupFloor(bool bothAttributes = false) : IIncrementalGenerator
    {
        public static AttributeLookupFloor BothAttributes => new(bothAttributes: true);

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            Lookup(context, "Memory.ClassAllocatorAttribute");
            if (bothAttributes)
                Lookup(context, "Memory.TypeIdAttribute");
        }

        private static void Lookup(IncrementalGeneratorInitializationContext context, string attribute)
        {
            var names = context.SyntaxProvider.ForAttributeWithMetadataName(
                attribute, static (_, _) => true, static (target, _) => target.TargetSymbol.Name);
            context.RegisterSourceOutput(names, static (_, _) => { });
        }
    }
}
