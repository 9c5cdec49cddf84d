using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Memory.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Memory.Benchmarks.Analyzers;

/// <summary>
/// What the Memory analyzers cost a build, over a 2,000-file compilation (<see cref="AnalyzerWorkload"/>).
/// </summary>
/// <remarks>
/// <para>
/// The <c>AnalyzerShare</c> column is the figure the rules are held to (at most 3%): the analyzers' own execution
/// time, from <c>CompilationWithAnalyzers</c> telemetry, over the time the compiler takes for diagnostics and emit.
/// </para>
/// <para>
/// The wall-clock benchmarks put it in context. <see cref="Compile"/> is the compiler alone (diagnostics and emit).
/// The two <c>Analyze</c> benchmarks bind the whole compilation again under the analyzer driver, as the public API
/// does: <see cref="AnalyzeWithDriverOnly"/> with a single do-nothing operation analyzer (the driver's own cost,
/// which every build with analyzers pays, the SDK's included), <see cref="AnalyzeWithMemoryRules"/> with the Memory
/// analyzers. The difference between the two is what the rules add.
/// </para>
/// <para>
/// Run: <c>dotnet run -c Release --project tests/Memory.Benchmarks -- --filter *AnalyzerBenchmarks* --job short</c>.
/// Compiler and driver run on one thread here, so the share compares like with like.
/// </para>
/// </remarks>
[Config(typeof(ShareConfig))]
public class AnalyzerBenchmarks
{
    private ImmutableArray<SyntaxTree> _trees;
    private ImmutableArray<DiagnosticAnalyzer> _analyzers;
    private ImmutableArray<DiagnosticAnalyzer> _driverOnly;

    /// <summary>Every analyzer of <c>Memory.Analyzers</c>.</summary>
    // Every analyzer the package ships, found in its assembly, so a rule added later is measured without editing this list.
    public static ImmutableArray<DiagnosticAnalyzer> CreateAnalyzers() =>
    [
        .. typeof(RawNewAnalyzer).Assembly.GetTypes()
            .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type)
                && type.IsDefined(typeof(DiagnosticAnalyzerAttribute), inherit: false))
            .OrderBy(type => type.Name, StringComparer.Ordinal)
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!),
    ];

    [GlobalSetup]
    public void Setup()
    {
        _trees = AnalyzerWorkload.CreateTrees();
        _analyzers = CreateAnalyzers();
        _driverOnly = [new DoNothingAnalyzer()];
    }

    /// <summary>The compiler alone: binding, diagnostics and emit.</summary>
    [Benchmark(Baseline = true)]
    public int Compile() => CompileAndEmit(AnalyzerWorkload.CreateCompilation(_trees));

    /// <summary>The analyzer driver with one analyzer that does nothing: the driver's share of any analysed build.</summary>
    [Benchmark]
    public int AnalyzeWithDriverOnly() => Analyze(_driverOnly);

    /// <summary>The analyzer driver with the Memory analyzers.</summary>
    [Benchmark]
    public int AnalyzeWithMemoryRules() => Analyze(_analyzers);

    private int Analyze(ImmutableArray<DiagnosticAnalyzer> analyzers)
        => AnalyzerWorkload.CreateCompilation(_trees).WithAnalyzers(analyzers, Options(logTime: false))
            .GetAllDiagnosticsAsync().GetAwaiter().GetResult().Length;

    private static int CompileAndEmit(Compilation compilation)
    {
        int errors = compilation.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success || errors != 0)
            throw new InvalidOperationException("The workload does not compile: " + result.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error));
        return (int)stream.Length;
    }

    private static CompilationWithAnalyzersOptions Options(bool logTime)
        => new(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: logTime);

    /// <summary>One measurement of the share, with the figures behind it.</summary>
    public sealed record Share(TimeSpan Compile, TimeSpan Analyzers, IReadOnlyDictionary<string, int> DiagnosticsById)
    {
        public double Ratio => Analyzers.TotalSeconds / Compile.TotalSeconds;
    }

    /// <summary>
    /// Measures the share <paramref name="runs"/> times (after one warm-up) and keeps the median: compile time of a
    /// fresh compilation against the summed <c>ExecutionTime</c> of the analyzers over another fresh one.
    /// </summary>
    public static Share MeasureShare(int runs = 2)
    {
        var trees = AnalyzerWorkload.CreateTrees();
        var analyzers = CreateAnalyzers();
        var measured = new List<Share>();
        for (int run = 0; run <= runs; run++)
        {
            var timer = Stopwatch.StartNew();
            CompileAndEmit(AnalyzerWorkload.CreateCompilation(trees));
            var compile = timer.Elapsed;

            var withAnalyzers = AnalyzerWorkload.CreateCompilation(trees).WithAnalyzers(analyzers, Options(logTime: true));
            var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
            var analyzerTime = TimeSpan.Zero;
            foreach (var analyzer in analyzers)
                analyzerTime += withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime;
            if (run > 0)
                measured.Add(new Share(compile, analyzerTime, diagnostics.GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.Count())));
        }
        return measured.OrderBy(s => s.Ratio).ElementAt(measured.Count / 2);
    }

    /// <summary>
    /// Registers one operation action that does nothing, so that the driver builds operation trees and dispatches
    /// to it as for any real analyzer. Its one rule is never reported (an analyzer without rules would be skipped).
    /// </summary>
    /// <remarks>A fixture created by the benchmark, never loaded by a compiler: the rules for shipped analyzers do not apply.</remarks>
#pragma warning disable RS1036, RS1041, RS2008
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class DoNothingAnalyzer : DiagnosticAnalyzer
    {
        private readonly DiagnosticDescriptor _rule = new("BENCH0001", "Never reported", "Never reported", "Benchmark",
            DiagnosticSeverity.Hidden, isEnabledByDefault: true);
#pragma warning restore RS1036, RS1041, RS2008

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [_rule];

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterOperationAction(static _ => { }, OperationKind.Invocation);
        }
    }

    /// <summary>Adds the <see cref="ShareColumn"/> to the summary.</summary>
    private sealed class ShareConfig : ManualConfig
    {
        public ShareConfig() => AddColumn(new ShareColumn());
    }

    /// <summary>The telemetry share, measured once in the host process when the summary is printed.</summary>
    private sealed class ShareColumn : IColumn
    {
        private static Share? s_share;

        private static Share Measured => LazyInitializer.EnsureInitialized(ref s_share, static () =>
        {
            var share = MeasureShare();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"// Analyzer share: {share.Ratio:P2} (analyzers {share.Analyzers.TotalMilliseconds:F0} ms, compile {share.Compile.TotalMilliseconds:F0} ms); diagnostics: {string.Join(", ", share.DiagnosticsById.OrderBy(p => p.Key).Select(p => p.Key + "=" + p.Value))}"));
            return share;
        });

        public string Id => nameof(ShareColumn);

        public string ColumnName => "AnalyzerShare";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Memory analyzers' execution time (CompilationWithAnalyzers telemetry) / compile time, one thread each";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => Measured.Ratio.ToString("P2", CultureInfo.InvariantCulture);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
