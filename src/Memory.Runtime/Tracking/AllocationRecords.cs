using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Memory.Tracking;

/// <summary>
/// The tracking of one allocator: counters of live bytes, peak and allocation counts, and in the record
/// modes one <see cref="AllocationRecord"/> per live block.
/// </summary>
/// <remarks>
/// Counters are updated with interlocked instructions so they stay exact under any concurrency; the peak
/// is raised with a compare-exchange only when a new high is reached, which is rare. Switching the mode
/// to <see cref="TrackingMode.None"/> clears the records; blocks allocated while tracking was off are not
/// in the counts, so a mode is best chosen before the allocator is used (see <see cref="AllocatorManager"/>).
/// </remarks>
public sealed class AllocationRecords
{
    private readonly ConcurrentDictionary<nint, AllocationRecord> _live = new();
    private volatile TrackingMode _mode;
    private long _allocatedBytes;
    private long _peakBytes;
    private long _liveAllocations;
    private long _totalAllocations;

    internal AllocationRecords(TrackingMode mode) => _mode = mode;

    /// <summary>The current mode. Setting <see cref="TrackingMode.None"/> discards every record.</summary>
    public TrackingMode Mode
    {
        get => _mode;
        set
        {
            _mode = value;
            if (value < TrackingMode.Records)
                _live.Clear();
        }
    }

    /// <summary>Frames captured per allocation in <see cref="TrackingMode.RecordsWithStacks"/>.</summary>
    public int StackDepth { get; set; } = 16;

    /// <summary>Usable bytes of the live blocks.</summary>
    public long AllocatedBytes => Volatile.Read(ref _allocatedBytes);

    /// <summary>The highest <see cref="AllocatedBytes"/> reached.</summary>
    public long PeakBytes => Volatile.Read(ref _peakBytes);

    /// <summary>Blocks allocated and not yet freed.</summary>
    public long LiveAllocations => Volatile.Read(ref _liveAllocations);

    /// <summary>Blocks allocated since the allocator was created.</summary>
    public long TotalAllocations => Volatile.Read(ref _totalAllocations);

    /// <summary>Whether a live record exists for <paramref name="address"/> (record modes only).</summary>
    public bool Contains(nint address) => _live.ContainsKey(address);

    /// <summary>Finds the record of a live block, in the record modes.</summary>
    public bool TryGet(nint address, out AllocationRecord record) => _live.TryGetValue(address, out record!);

    /// <summary>A snapshot of the live records, oldest first.</summary>
    public IReadOnlyList<AllocationRecord> Snapshot()
    {
        var records = _live.Values.ToArray();
        Array.Sort(records, static (a, b) => a.Timestamp.CompareTo(b.Timestamp));
        return records;
    }

    /// <summary>Forgets the peak, so the next allocations start a new high-water mark.</summary>
    public void ResetPeak() => Volatile.Write(ref _peakBytes, AllocatedBytes);

    internal bool KeepsRecords => _mode >= TrackingMode.Records;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void CountAllocation(nint size)
    {
        long now = Interlocked.Add(ref _allocatedBytes, size);
        Interlocked.Increment(ref _liveAllocations);
        Interlocked.Increment(ref _totalAllocations);
        if (now > Volatile.Read(ref _peakBytes))
            RaisePeak(now);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void CountDeAllocation(nint size)
    {
        Interlocked.Add(ref _allocatedBytes, -size);
        Interlocked.Decrement(ref _liveAllocations);
    }

    internal void AddRecord(nint address, nint requested, nint size, nint alignment, string? name, string? file, int line)
    {
        string? stack = _mode == TrackingMode.RecordsWithStacks
            ? new StackTrace(2, fNeedFileInfo: true).ToString()
            : null;
        _live[address] = new AllocationRecord(address, requested, size, alignment, name, file, line, DateTime.UtcNow, TrimStack(stack));
    }

    internal bool TryRemoveRecord(nint address, out AllocationRecord record) => _live.TryRemove(address, out record!);

    private string? TrimStack(string? stack)
    {
        if (stack is null)
            return null;
        var lines = stack.Split('\n');
        return lines.Length <= StackDepth ? stack : string.Join("\n", lines, 0, StackDepth);
    }

    private void RaisePeak(long candidate)
    {
        long peak = Volatile.Read(ref _peakBytes);
        while (candidate > peak)
        {
            long seen = Interlocked.CompareExchange(ref _peakBytes, candidate, peak);
            if (seen == peak)
                return;
            peak = seen;
        }
    }
}
