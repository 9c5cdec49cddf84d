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
/// <remarks>
/// BenchmarkDotNet runs each case in a process of its own, one after the other, so on a shared machine a burst
/// of other work lands on one case and moves its ratio by 2x. Samples of a few milliseconds taken in turn
/// see the same load on both sides, and the median ratio of many pairs keeps what a burst does to a few.
/// </remarks>
public static class PoolInterleaved
{
    private const int OpsPerSample = 100_000;
    private const int Pairs = 300;

    /// <summary>Prints one line per size; the sizes are <paramref name="args"/>, else 512, 4096 and 65536.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        int[] sizes = args.Count > 0 ? args.Select(int.Parse).ToArray() : [512, 4096, 65536];
        using var pool = new AllocatorMemoryPool();
        foreach (int size in sizes)
        {
            // Warm-up: tiered compilation reaches its final code for both loops.
            for (int i = 0; i < 20; i++)
            {
                Shared(size);
                Ours(pool, size);
            }
            var ratios = new double[Pairs];
            var shared = new double[Pairs];
            var ours = new double[Pairs];
            for (int i = 0; i < Pairs; i++)
            {
                shared[i] = Shared(size);
                ours[i] = Ours(pool, size);
                ratios[i] = ours[i] / shared[i];
            }
            Array.Sort(ratios);
            Array.Sort(shared);
            Array.Sort(ours);
            Console.WriteLine($"{size,6} B: ratio {ratios[Pairs / 2]:F2} (quartiles {ratios[Pairs / 4]:F2}-{ratios[3 * Pairs / 4]:F2}); " +
                $"p10 MemoryPool<byte>.Shared {shared[Pairs / 10]:F1} ns, AllocatorMemoryPool {ours[Pairs / 10]:F1} ns");
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
