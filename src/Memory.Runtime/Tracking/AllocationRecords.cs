using System.Diagnostics;
using System.Runtime.CompilerServices;
using Memory.Tracking.Counters;
using Memory.Tracking.Records;

namespace Memory.Tracking;

/// <summary>
/// The tracking of one allocator: counters of live bytes, peak and allocation counts, and in the record
/// modes one <see cref="AllocationRecord"/> per live block, from which leak reports are made.
/// </summary>
/// <remarks>
/// <para>
/// Counting costs a few additions and stays exact under any concurrency: allocators whose schema is not
/// thread-safe keep plain fields; thread-safe ones add with plain stores too while one thread uses them
/// and, once a second thread shows up, into one cell per thread summed when read (see
/// <see cref="PeakBytes"/> for what the peak means then). A schema that keeps its own counts
/// (<see cref="Schemas.IAllocationSchema.KeepsCounts"/>) is read instead, at no cost per call.
/// </para>
/// <para>
/// Blocks allocated while tracking was off are not in the counts (unless the schema keeps its own), and freeing
/// them later under <see cref="TrackingMode.Counters"/> subtracts what was never added; so choose the mode before the
/// allocator is used, by name through <see cref="AllocatorManager"/> or the <c>MEMORY_TRACKING</c>
/// environment variable.
/// </para>
/// </remarks>
public sealed class AllocationRecords
{
    private readonly AllocatorBase _owner;
    private readonly TrackingMode _floor;
    private volatile TrackingMode _mode;
    private int _stackDepth = 16;
    private long _sequence;

    internal AllocationRecords(AllocatorBase owner, TrackingMode mode, bool concurrent, TrackingMode floor = TrackingMode.None)
    {
        _owner = owner;
        _floor = floor;
        _mode = mode < floor ? floor : mode;
        Counters = new AllocationCounters(concurrent);
        Table = new RecordTable(concurrent);
    }

    /// <summary>
    /// The current mode. Going below <see cref="TrackingMode.Records"/> discards the records, except those
    /// of blocks with guards, which their free still needs.
    /// </summary>
    public TrackingMode Mode
    {
        get => _mode;
        set
        {
            if (value < _floor)
                value = _floor;
            _mode = value;
            if (value < TrackingMode.Records)
                Table.ClearPlain();
            _owner.UpdatePath();
        }
    }

    /// <summary>Frames kept per allocation in <see cref="TrackingMode.RecordsWithStacks"/> (default 16).</summary>
    public int StackDepth
    {
        get => _stackDepth;
        set => _stackDepth = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "At least one frame.");
    }

    /// <summary>
    /// Whether captured stacks carry file names and line numbers (default true). Reading them from the
    /// symbols roughly triples the cost of a capture; turn it off to keep only method names.
    /// </summary>
    public bool StackFileInfo { get; set; } = true;

    /// <summary>Usable bytes of the live blocks that were counted.</summary>
    public long AllocatedBytes => Counters.Bytes;

    /// <summary>Requested bytes of the recorded live blocks (record modes).</summary>
    public long RequestedBytes => Table.RequestedBytes;

    /// <summary>
    /// The highest <see cref="AllocatedBytes"/> reached. Exact for allocators whose schema is not
    /// thread-safe, and for thread-safe ones as long as a single thread has used them. Once several threads
    /// count into per-thread cells, it is the high-water mark of the totals threads publish (each publishes
    /// its running sum whenever that has moved by more than 64 KiB since it last did) and of every total
    /// read: never below a total read earlier, and within 64 KiB per counting thread of the true peak.
    /// </summary>
    public long PeakBytes => Counters.Peak;

    /// <summary>Blocks counted as allocated and not yet freed.</summary>
    public long LiveAllocations => Counters.LiveAllocations;

    /// <summary>Blocks counted as allocated since the allocator was created.</summary>
    public long TotalAllocations => Counters.TotalAllocations;

    /// <summary>Live records: recorded blocks not yet freed.</summary>
    public int RecordCount => Table.Count;

    internal AllocationCounters Counters { get; }

    internal RecordTable Table { get; }

    internal bool KeepsRecords => _mode >= TrackingMode.Records;

    /// <summary>Whether a live record exists for <paramref name="address"/>.</summary>
    public bool Contains(nint address) => Table.Contains(address);

    /// <summary>Finds the record of a live block.</summary>
    public bool TryGet(nint address, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AllocationRecord? record)
    {
        if (Table.TryGet(address, out var entry))
        {
            record = new AllocationRecord(address, entry, _stackDepth);
            return true;
        }
        record = null;
        return false;
    }

    /// <summary>A snapshot of the live records, oldest first.</summary>
    public IReadOnlyList<AllocationRecord> Snapshot() => Snapshot(after: 0);

    /// <summary>A snapshot of the live records allocated after <paramref name="after"/> (a <see cref="Mark"/>), oldest first.</summary>
    public IReadOnlyList<AllocationRecord> Snapshot(long after)
    {
        var entries = Table.Copy();
        var records = new List<AllocationRecord>(entries.Count);
        int depth = _stackDepth;
        foreach (var (address, entry) in entries)
        {
            if (entry.Sequence > after)
                records.Add(new AllocationRecord(address, entry, depth));
        }
        records.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        return records;
    }

    /// <summary>
    /// The position in this allocator's sequence of allocations now: pass it to
    /// <see cref="GetLeakReport(long)"/> later to see only what was allocated, and not freed, in between.
    /// </summary>
    public long Mark() => Volatile.Read(ref _sequence);

    /// <summary>Every live block, grouped by call site, largest first.</summary>
    public LeakReport GetLeakReport() => GetLeakReport(after: 0);

    /// <summary>The live blocks allocated after <paramref name="after"/> (from <see cref="Mark"/>), grouped by call site.</summary>
    public LeakReport GetLeakReport(long after)
    {
        bool counting = _mode >= TrackingMode.Counters && after == 0;
        return new LeakReport(_owner.Name, _mode, Snapshot(after),
            counting ? LiveAllocations : 0, counting ? AllocatedBytes : 0);
    }

    /// <summary>Forgets the peak, so the next allocations start a new high-water mark.</summary>
    public void ResetPeak() => Counters.ResetPeak();

    /// <summary>Records a block; the caller has decided that it must be recorded.</summary>
    internal void Record(nint address, nint requested, nint size, nint alignment, string? name, string? file, int line,
        BlockLayout layout, bool counted, nint raw = 0, nint rawSize = 0, AllocatorBase? child = null)
    {
        var entry = new RecordEntry
        {
            RequestedSize = requested,
            Size = size,
            Alignment = alignment,
            Name = name,
            File = file,
            Line = line,
            Layout = layout,
            Counted = counted,
            Sequence = Interlocked.Increment(ref _sequence),
            // The coarse clock: a few nanoseconds where a precise one costs tens; milliseconds are enough here.
            TickCount = System.Environment.TickCount64,
            Stack = _mode == TrackingMode.RecordsWithStacks ? CaptureStack() : null,
            Raw = raw,
            RawSize = rawSize,
            Child = child,
        };
        Table.Add(address, entry);

        // A change of mode below Records clears the plain records after it is set; a record added after that clear
        // would outlive the mode. The block is still the caller's (not returned yet), so only this call can remove it.
        if (layout == BlockLayout.Plain && !KeepsPlainRecords)
            Table.TryRemove(address, out _);
    }

    private bool KeepsPlainRecords => _mode >= TrackingMode.Records || _owner.IsChecked;

    /// <summary>Puts back an entry taken out by a free that was then refused.</summary>
    internal void Restore(nint address, in RecordEntry entry) => Table.Add(address, entry);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private StackTrace CaptureStack()
    {
        // Skip this frame and Record; the allocator's own frames are dropped when the stack is formatted,
        // so keep a few more frames than asked for to make room for them.
        var frames = new StackTrace(2, StackFileInfo).GetFrames();
        int keep = Math.Min(frames.Length, _stackDepth + 4);
        return keep == frames.Length ? new StackTrace(frames) : new StackTrace(frames[..keep]);
    }
}
