using System.Diagnostics;
using Memory.Benchmarks.Infrastructure;

namespace Memory.Benchmarks.Modes;

/// <summary>
/// <c>--profile seconds pattern...</c>: runs each matching case in this process at its full size, over and over for
/// the given time, for a sampling profiler to watch (BenchmarkDotNet runs a case in a child process and spends much of
/// its time outside the case). Prints each case's invocations and mean time; these are not the suite's figures.
/// </summary>
/// <example>
/// <code>
/// DOTNET_PerfMapEnabled=1 perf record -g dotnet bin/Release/net10.0/Memory.Benchmarks.dll --profile 10 Larson.SystemAllocator
/// perf report --no-children
/// </code>
/// The perf map (<c>/tmp/perf-PID.map</c>) names the JIT-compiled methods.
/// </example>
public static class ProfileRun
{
    /// <summary>Runs the cases; exit code 2 for bad arguments, 1 when no case matches or one throws.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        if (args.Count < 2 || !double.TryParse(args[0], out double seconds) || seconds <= 0)
        {
            Console.Error.WriteLine("usage: --profile seconds pattern... (patterns match Class.Method(parameters), as --smoke's do)");
            return 2;
        }

        var cases = BenchmarkCatalog.Cases(BenchmarkConfig.Create(), args.Skip(1).ToList());
        if (cases.Count == 0)
        {
            Console.Error.WriteLine("No case matches.");
            return 1;
        }

        var budget = TimeSpan.FromSeconds(seconds);
        foreach (var benchmark in cases)
        {
            string name = CaseInstance.NameOf(benchmark);
            try
            {
                using var run = CaseInstance.Start(benchmark);
                run.Invoke(); // compiled and warmed before the clock starts
                int invocations = 0;
                var watch = Stopwatch.StartNew();
                while (watch.Elapsed < budget)
                {
                    run.Invoke();
                    invocations++;
                }
                double mean = watch.Elapsed.TotalMilliseconds / invocations;
                Console.WriteLine($"  {name}: {invocations} invocations, mean {mean:F3} ms");
            }
            catch (Exception e)
            {
                Exception cause = CaseInstance.CauseOf(e);
                Console.WriteLine($"  FAIL  {name}: {cause}");
                return 1;
            }
        }
        return 0;
    }
}
