using System.Diagnostics;
using System.Runtime.CompilerServices;
using Memory.Benchmarks.Peers;

namespace Memory.Benchmarks.Modes;

/// <summary>
/// <c>--pair-interleaved</c>: the allocate-write-free pair of this project's small-block allocators (and of the
/// power-of-two buffer pool a user would write) against NativeMemory's, through the workloads' peers (tracking off,
/// except the Counters row), in alternating samples of one process (see <see cref="InterleavedSamples"/>).
/// </summary>
/// <remarks>
/// A pair takes a few nanoseconds, so one BenchmarkDotNet case per process reads the machine of that minute as much
/// as the code: the same glibc pair has read 10.9 and 14.2 ns in one run, minutes apart.
/// </remarks>
public static class PairInterleaved
{
    private const int PairsPerSample = 200_000;

    /// <summary>
    /// Prints one line per size; the sizes are <paramref name="args"/>, else 16, 64 and 256. With <c>--worker</c> among
    /// them, the samples run on a thread started for them rather than on the main thread, which the allocators
    /// recognise by its stack alone (see <see cref="InterleavedSamples.OnWorkerIfAsked"/>).
    /// </summary>
    public static int Run(IReadOnlyList<string> args)
        => InterleavedSamples.OnWorkerIfAsked(args, Compare);

    private static int Compare(IReadOnlyList<string> args)
    {
        int[] sizes = args.Count > 0 ? args.Select(int.Parse).ToArray() : [16, 64, 256];
        (string Name, Func<int, double> Sample)[] candidates =
        [
            ("SystemAllocator", Pairs<SystemAllocatorPeer>),
            ("SystemAllocator (Counters)", Pairs<SystemAllocatorCountersPeer>),
            ("PoolAllocator", Pairs<PoolAllocatorPeer>),
            ("ThreadPoolAllocator", Pairs<ThreadPoolAllocatorPeer>),
            ("NativeBufferPool", Pairs<NativeBufferPoolPeer>),
        ];
        foreach (int size in sizes)
        {
            var results = InterleavedSamples.Compare(() => Pairs<NativeMemoryPeer>(size),
                [.. candidates.Select(candidate => (Func<double>)(() => candidate.Sample(size)))], out double baseline);
            Console.WriteLine($"{size} B, NativeMemory p10 {baseline:F1} ns:");
            for (int c = 0; c < candidates.Length; c++)
            {
                Console.WriteLine($"  {candidates[c].Name,-27} ratio {results[c].Median:F2} (quartiles {results[c].LowQuartile:F2}-" +
                    $"{results[c].HighQuartile:F2}), p10 {results[c].FastNanoseconds:F1} ns");
            }
        }
        return 0;
    }

    // One sample: nanoseconds per pair. Specialised per peer (a struct), so each loop calls its allocator directly.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Pairs<TPeer>(int size)
        where TPeer : struct, IBenchAllocator<nint>
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < PairsPerSample; i++)
        {
            nint block = TPeer.Allocate(size);
            TPeer.Bytes(block, 1)[0] = 1;
            TPeer.Free(block, size);
        }
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / PairsPerSample;
    }
}
