using System.Runtime.CompilerServices;
using Memory.Benchmarks.Peers;

namespace Memory.Benchmarks.Modes;

/// <summary>
/// Wraps an allocator to follow, during one workload run, the bytes the workload has asked for and not freed
/// (live), and the allocator's own figures (allocated, reserved), keeping the peak of each. Thread-safe, and
/// slow on purpose: it is for the overhead report, never for timing.
/// </summary>
/// <typeparam name="TPeer">The allocator being measured.</typeparam>
public readonly struct OverheadProbe<TPeer> : IBenchAllocator<nint>
    where TPeer : struct, IBenchAllocator<nint>, IMeasuredHeap
{
    private static long s_live;
    private static long s_peakLive;
    private static long s_baseReserved;
    private static long s_peakReserved;
    private static long s_baseAllocated;
    private static long s_peakAllocated;

    [ThreadStatic]
    private static int t_untilSample;

    /// <inheritdoc/>
    public static PeerTraits Traits => TPeer.Traits;

    /// <inheritdoc/>
    public static nint Allocate(int size)
    {
        nint block = TPeer.Allocate(size);
        RaiseTo(ref s_peakLive, Interlocked.Add(ref s_live, size));
        if (--t_untilSample <= 0)
        {
            t_untilSample = TPeer.SampleEvery;
            Sample();
        }
        return block;
    }

    /// <inheritdoc/>
    public static void Free(nint block, int size)
    {
        TPeer.Free(block, size);
        Interlocked.Add(ref s_live, -size);
    }

    /// <inheritdoc/>
    public static Span<byte> Bytes(nint block, int size) => TPeer.Bytes(block, size);

    /// <summary>Starts a measurement: releases the allocator's cached memory and takes its figures as the zero.</summary>
    public static void Begin()
    {
        TPeer.ReleaseCached();
        s_live = s_peakLive = s_peakReserved = s_peakAllocated = 0;
        s_baseReserved = TPeer.ReservedBytes;
        s_baseAllocated = TPeer.AllocatedBytes;
        t_untilSample = 0;
    }

    /// <summary>Ends a measurement (after the workload freed everything) and returns the peaks.</summary>
    public static OverheadFigures End()
    {
        return new OverheadFigures(
            PeakLive: s_peakLive,
            PeakAllocated: s_peakAllocated,
            PeakReserved: s_peakReserved,
            LiveAtEnd: s_live,
            AllocatedAtEnd: TPeer.AllocatedBytes - s_baseAllocated);
    }

    /// <summary>Reads the allocator's figures now; the report calls it once more before the workload frees its blocks.</summary>
    public static void Sample()
    {
        RaiseTo(ref s_peakReserved, TPeer.ReservedBytes - s_baseReserved);
        RaiseTo(ref s_peakAllocated, TPeer.AllocatedBytes - s_baseAllocated);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RaiseTo(ref long peak, long value)
    {
        long current = Volatile.Read(ref peak);
        while (value > current)
        {
            long seen = Interlocked.CompareExchange(ref peak, value, current);
            if (seen == current)
                return;
            current = seen;
        }
    }
}

/// <summary>The peaks of one workload run, in bytes.</summary>
/// <param name="PeakLive">The most the workload had asked for and not freed at once.</param>
/// <param name="PeakAllocated">The most the allocator counted in live blocks (0 when it does not count).</param>
/// <param name="PeakReserved">The most the allocator held from its source (0 when it does not know).</param>
/// <param name="LiveAtEnd">Requested bytes not freed at the end: 0 unless the workload leaks.</param>
/// <param name="AllocatedAtEnd">The allocator's count at the end against the start: 0 unless blocks leak.</param>
public readonly record struct OverheadFigures(long PeakLive, long PeakAllocated, long PeakReserved, long LiveAtEnd, long AllocatedAtEnd)
{
    /// <summary>Peak reserved over peak live: the memory overhead; null when the allocator does not report reserved bytes.</summary>
    public double? Overhead => PeakReserved > 0 && PeakLive > 0 ? (double)PeakReserved / PeakLive : null;
}
