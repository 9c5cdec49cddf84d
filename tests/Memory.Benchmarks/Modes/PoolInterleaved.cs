using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Memory.Buffers;

namespace Memory.Benchmarks.Modes;

/// <summary>
/// <c>--pool-interleaved</c>: <see cref="AllocatorMemoryPool"/> rent + dispose against
/// <see cref="MemoryPool{T}.Shared"/>'s, as <c>MemoryPoolBenchmarks</c> does them, in alternating samples of one
/// process: the median of the per-pair ratios, and each side's 10th-percentile time.
/// </summary>
/// <remarks>Why interleaved: see <see cref="InterleavedSamples"/>.</remarks>
public static class PoolInterleaved
{
    private const int OpsPerSample = 100_000;

    /// <summary>
    /// Prints one line per size; the sizes are <paramref name="args"/>, else 512, 4096 and 65536; <c>--worker</c> runs
    /// the samples on a thread started for them (see <see cref="InterleavedSamples.OnWorkerIfAsked"/>).
    /// </summary>
    public static int Run(IReadOnlyList<string> args)
        => InterleavedSamples.OnWorkerIfAsked(args, Compare);

    private static int Compare(IReadOnlyList<string> args)
    {
        int[] sizes = args.Count > 0 ? args.Select(int.Parse).ToArray() : [512, 4096, 65536];
        using var pool = new AllocatorMemoryPool();
        foreach (int size in sizes)
        {
            InterleavedSamples.Comparison ours = InterleavedSamples.Compare(() => Shared(size), [() => Ours(pool, size)], out double shared)[0];
            Console.WriteLine($"{size,6} B: ratio {ours.Median:F2} (quartiles {ours.LowQuartile:F2}-{ours.HighQuartile:F2}); " +
                $"p10 MemoryPool<byte>.Shared {shared:F1} ns, AllocatorMemoryPool {ours.FastNanoseconds:F1} ns");
        }
        return 0;
    }

    // One sample: nanoseconds per rent + dispose.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Shared(int size)
    {
        long start = Stopwatch.GetTimestamp();
        int sum = 0;
        for (int i = 0; i < OpsPerSample; i++)
        {
            using var owner = MemoryPool<byte>.Shared.Rent(size);
            sum += owner.Memory.Length;
        }
        GC.KeepAlive(sum);
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / OpsPerSample;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Ours(AllocatorMemoryPool pool, int size)
    {
        long start = Stopwatch.GetTimestamp();
        int sum = 0;
        for (int i = 0; i < OpsPerSample; i++)
        {
            using var owner = pool.Rent(size);
            sum += owner.Memory.Length;
        }
        GC.KeepAlive(sum);
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / OpsPerSample;
    }
}
