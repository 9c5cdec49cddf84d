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
/// What the Memory analyzers cost a build: a 2,000-file compilation (<see cref="AnalyzerWorkload"/>) compiled
/// (diagnostics and emit) with and without them. The <c>AnalyzerShare</c> column is the analyzers' own execution
/// time, from <c>CompilationWithAnalyzers</c> telemetry, as a share of the compile time (target: at most 3%).
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project tests/Memory.Benchmarks -- --filter *AnalyzerBenchmarks* --job short</c>.
/// Both the compiler and the analyzer driver run on one thread here, so the share compares like with like.
/// </remarks>
[Config(typeof(ShareConfig))]
public class AnalyzerBenchmarks
{
    private ImmutableArray<SyntaxTree> _trees;
    private ImmutableArray<DiagnosticAnalyzer> _analyzers;

    /// <summary>Every analyzer of <c>Memory.Analyzers</c>.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> CreateAnalyzers() =>
    [
        new RawNewAnalyzer(), new RawNativeAllocationAnalyzer(), new StaticAllocationAnalyzer(), new StaticBusConnectionAnalyzer(),
        new AllocatorHygieneAnalyzer(), new AllocatorMismatchAnalyzer(), new GeneratorInputAnalyzer(), new DuplicateTypeIdAnalyzer(),
    ];

    [GlobalSetup]
    public void Setup()
    {
        _trees = AnalyzerWorkload.CreateTrees();
        _analyzers = CreateAnalyzers();
    }

    /// <summary>The compiler alone: binding, diagnostics and emit.</summary>
    [Benchmark(Baseline = true)]
    public int Compile() => CompileAndEmit(AnalyzerWorkload.CreateCompilation(_trees));

    /// <summary>The compiler and the Memory analyzers, as a build with the package runs them.</summary>
    [Benchmark]
    public int CompileWithAnalyzers()
    {
        var compilation = AnalyzerWorkload.CreateCompilation(_trees);
        var diagnostics = compilation.WithAnalyzers(_analyzers, Options(logTime: false)).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return diagnostics.Length + CompileAndEmit(compilation);
    }

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
