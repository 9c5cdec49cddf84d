using System.Diagnostics;
using Memory.Benchmarks.Infrastructure;
using Memory.Benchmarks.Workloads;

namespace Memory.Benchmarks.Modes;

/// <summary>
/// <c>--smoke</c>: proves the suite starts and every (workload, allocator, parameters) case runs, in seconds
/// and in this process. The cases are the ones BenchmarkDotNet would run with the same configuration and
/// filter; each is set up, invoked once at a small fraction of its operation count, and cleaned up.
/// Nothing is measured. Exits 1 if any case throws.
/// </summary>
public static class SmokeRun
{
    private const double Scale = 0.01;

    /// <summary>Runs the smoke test; <paramref name="patterns"/> restrict it to cases whose "Class.Method" contains one.</summary>
    public static int Run(IReadOnlyCollection<string> patterns)
    {
        Console.WriteLine("Peers:");
        BenchmarkCatalog.PrintPeers(Console.Out);

        WorkloadScale.Factor = Scale;
        var total = Stopwatch.StartNew();
        var cases = BenchmarkCatalog.Cases(BenchmarkConfig.Create(), patterns);
        int failures = 0;
        foreach (var benchmark in cases)
        {
            string name = CaseInstance.NameOf(benchmark);
            var watch = Stopwatch.StartNew();
            try
            {
                using (var run = CaseInstance.Start(benchmark))
                    run.Invoke();
                Console.WriteLine($"  ok    {watch.ElapsedMilliseconds,6} ms  {name}");
            }
            catch (Exception e)
            {
                failures++;
                Exception cause = CaseInstance.CauseOf(e);
                Console.WriteLine($"  FAIL  {watch.ElapsedMilliseconds,6} ms  {name}: {cause}");
            }
        }

        Console.WriteLine($"{cases.Count - failures} of {cases.Count} cases ran in {total.Elapsed.TotalSeconds:F1} s" +
            (failures == 0 ? "." : $"; {failures} failed."));
        return failures == 0 ? 0 : 1;
    }
}
