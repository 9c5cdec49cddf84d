namespace Memory.Benchmarks.Modes;

/// <summary>
/// A baseline and its candidates timed in alternating samples of one process: for each candidate the median of
/// the per-sample ratios to the baseline, and each side's 10th-percentile time.
/// </summary>
/// <remarks>
/// BenchmarkDotNet runs each case in a process of its own, one after the other, so on a shared machine a burst
/// of other work lands on one case and moves its ratio by 2x. Samples of a few milliseconds taken in turn
/// see the same load on every side, and the median ratio of many samples keeps what a burst does to a few.
/// </remarks>
internal static class InterleavedSamples
{
    private const int Samples = 300;

    // Enough calls for tiered compilation to count each loop past its threshold (30) and, after its back-off, install
    // the final code: otherwise the first size measured reads its baseline twice as slow as the others.
    private const int WarmUpSamples = 40;
    private static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(1);

    /// <summary>What one candidate measured against the baseline.</summary>
    /// <param name="Median">The median of the per-sample ratios, candidate / baseline.</param>
    /// <param name="LowQuartile">The first quartile of the ratios.</param>
    /// <param name="HighQuartile">The third quartile of the ratios.</param>
    /// <param name="FastNanoseconds">The candidate's 10th-percentile time per operation.</param>
    public readonly record struct Comparison(double Median, double LowQuartile, double HighQuartile, double FastNanoseconds);

    /// <summary>
    /// Runs <paramref name="compare"/> with <paramref name="args"/> less <c>--worker</c>; on a thread started for it
    /// when <c>--worker</c> was among them. The main thread finds its allocator caches by its stack address alone, and
    /// other threads by their stack page's slot, so the two are measured apart (BenchmarkDotNet's workloads run on
    /// started threads too, see <c>WorkerThreads</c>).
    /// </summary>
    public static int OnWorkerIfAsked(IReadOnlyList<string> args, Func<IReadOnlyList<string>, int> compare)
    {
        const string Worker = "--worker";
        string[] rest = [.. args.Where(arg => arg != Worker)];
        if (rest.Length == args.Count)
            return compare(rest);
        Console.WriteLine("On a started thread:");
        int result = 0;
        var thread = new Thread(() => result = compare(rest));
        thread.Start();
        thread.Join();
        return result;
    }

    /// <summary>
    /// Times <paramref name="baseline"/> and each of <paramref name="candidates"/> in turn; each delegate runs one
    /// sample and returns its nanoseconds per operation.
    /// </summary>
    public static Comparison[] Compare(Func<double> baseline, IReadOnlyList<Func<double>> candidates, out double baselineFastNanoseconds)
    {
        var warmUp = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < WarmUpSamples || warmUp.Elapsed < WarmUpTime; i++)
        {
            baseline();
            foreach (Func<double> candidate in candidates)
                candidate();
        }

        var baselineTimes = new double[Samples];
        var times = new double[candidates.Count][];
        var ratios = new double[candidates.Count][];
        for (int c = 0; c < candidates.Count; c++)
        {
            times[c] = new double[Samples];
            ratios[c] = new double[Samples];
        }
        for (int i = 0; i < Samples; i++)
        {
            baselineTimes[i] = baseline();
            for (int c = 0; c < candidates.Count; c++)
            {
                times[c][i] = candidates[c]();
                ratios[c][i] = times[c][i] / baselineTimes[i];
            }
        }

        Array.Sort(baselineTimes);
        baselineFastNanoseconds = baselineTimes[Samples / 10];
        var comparisons = new Comparison[candidates.Count];
        for (int c = 0; c < candidates.Count; c++)
        {
            Array.Sort(ratios[c]);
            Array.Sort(times[c]);
            comparisons[c] = new Comparison(ratios[c][Samples / 2], ratios[c][Samples / 4], ratios[c][3 * Samples / 4], times[c][Samples / 10]);
        }
        return comparisons;
    }
}
