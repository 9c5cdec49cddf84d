using System.Runtime.CompilerServices;

namespace Memory.Tracking.Counters;

/// <summary>
/// Live bytes, allocation counts and peak of one allocator, kept in one of two ways chosen by the
/// allocator's schema so that counting costs a few plain additions.
/// </summary>
/// <remarks>
/// <para>
/// <b>Local</b> (schemas that are not thread-safe, whose callers already serialise every call): plain
/// fields, plain additions, an exact peak.
/// </para>
/// <para>
/// <b>Striped</b> (thread-safe schemas): each thread adds into a cell of its own with plain stores, found
/// through a thread-static table indexed by this object's slot; readers sum the cells under a lock.
/// Totals are exact: a block allocated on one thread and freed on another adds to one cell and subtracts
/// from the other. When a thread has exited, its cell is folded into the retired totals and handed to
/// the next thread that needs one, so the number of cells follows the number of live threads.
/// </para>
/// <para>
/// The striped peak cannot be exact without a shared write per operation, so it is defined as the
/// high-water mark of two kinds of observed totals: the <em>published</em> total, to which each thread
/// adds its running sum whenever that sum has moved by more than <see cref="PublishThreshold"/> bytes since
/// its last publication (one interlocked add, rare for steady alloc/free traffic), and every exact total
/// computed by a read. Hence it is never below any total a reader has seen, and it differs from the true
/// peak by at most <see cref="PublishThreshold"/> per thread that was counting at the time (for one thread,
/// it is at most the true peak and at least the true peak minus <see cref="PublishThreshold"/>).
/// </para>
/// </remarks>
internal sealed class AllocationCounters
{
    /// <summary>How far a thread's running sum may drift from what it has published before it publishes.</summary>
    public const long PublishThreshold = 64 * 1024;

    [ThreadStatic]
    private static CounterCell?[]? t_cells;

    private readonly object _gate = new();

    // Local mode.
    private long _bytes;
    private long _allocations;
    private long _frees;

    // Both modes; in striped mode raised with a compare-exchange.
    private long _peak;

    // Striped mode.
    private int _slot;
    private CounterCell[] _cells = [];
    private long _published;
    private long _retiredBytes;
    private long _retiredAllocations;
    private long _retiredFrees;

    public AllocationCounters(bool striped)
    {
        IsStriped = striped;
        _slot = striped ? CounterSlots.Rent() : -1;
    }

    /// <summary>Whether threads count into cells of their own (thread-safe schemas).</summary>
    public bool IsStriped { get; }

    /// <summary>Cells in use, for tests: at most one per thread that has counted and not exited.</summary>
    internal int CellCount
    {
        get
        {
            lock (_gate)
                return _cells.Length;
        }
    }

    /// <summary>Usable bytes of the blocks counted live.</summary>
    public long Bytes
    {
        get
        {
            if (!IsStriped)
                return Volatile.Read(ref _bytes);
            lock (_gate)
            {
                long bytes = SumBytes();
                RaisePeak(bytes);
                return bytes;
            }
        }
    }

    /// <summary>Blocks allocated and not yet freed.</summary>
    public long LiveAllocations
    {
        get
        {
            if (!IsStriped)
                return Volatile.Read(ref _allocations) - Volatile.Read(ref _frees);
            lock (_gate)
            {
                long live = _retiredAllocations - _retiredFrees;
                foreach (var cell in _cells)
                    live += Volatile.Read(ref cell.Allocations) - Volatile.Read(ref cell.Frees);
                return live;
            }
        }
    }

    /// <summary>Blocks allocated since counting began.</summary>
    public long TotalAllocations
    {
        get
        {
            if (!IsStriped)
                return Volatile.Read(ref _allocations);
            lock (_gate)
            {
                long total = _retiredAllocations;
                foreach (var cell in _cells)
                    total += Volatile.Read(ref cell.Allocations);
                return total;
            }
        }
    }

    /// <summary>The highest total observed (see the remarks of the class for the striped case).</summary>
    public long Peak
    {
        get
        {
            if (IsStriped)
                _ = Bytes; // an exact read raises the peak to the present total
            return Volatile.Read(ref _peak);
        }
    }

    /// <summary>Lowers the peak to the present total.</summary>
    public void ResetPeak()
    {
        if (!IsStriped)
        {
            Volatile.Write(ref _peak, Volatile.Read(ref _bytes));
            return;
        }
        lock (_gate)
        {
            long bytes = SumBytes();
            Volatile.Write(ref _peak, bytes);
        }
    }

    /// <summary>Counts an allocation on a schema whose callers serialise every call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddLocal(nint size)
    {
        long bytes = _bytes + size;
        _bytes = bytes;
        _allocations++;
        if (bytes > _peak)
            _peak = bytes;
    }

    /// <summary>Counts a free on a schema whose callers serialise every call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void RemoveLocal(nint size)
    {
        _bytes -= size;
        _frees++;
    }

    /// <summary>Counts an allocation into the calling thread's cell.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddStriped(nint size)
    {
        CounterCell cell = CurrentCell();
        long bytes = cell.Bytes + size;
        cell.Bytes = bytes;
        cell.Allocations++;
        if (bytes - cell.Published > PublishThreshold)
            Publish(cell);
    }

    /// <summary>Counts a free into the calling thread's cell.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void RemoveStriped(nint size)
    {
        CounterCell cell = CurrentCell();
        long bytes = cell.Bytes - size;
        cell.Bytes = bytes;
        cell.Frees++;
        if (cell.Published - bytes > PublishThreshold)
            Publish(cell);
    }

    /// <summary>Gives the slot back; later counting (frees after dispose) still works, through the slow path.</summary>
    public void Release()
    {
        if (!IsStriped)
            return;
        int slot = Interlocked.Exchange(ref _slot, -1);
        if (slot >= 0)
            CounterSlots.Return(slot);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private CounterCell CurrentCell()
    {
        CounterCell?[]? cells = t_cells;
        int slot = _slot;
        if (cells is not null && (uint)slot < (uint)cells.Length)
        {
            CounterCell? cell = cells[slot];
            if (cell is not null && cell.Counters == this)
                return cell;
        }
        return AttachCell();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private CounterCell AttachCell()
    {
        Thread current = Thread.CurrentThread;
        CounterCell? cell = null;
        lock (_gate)
        {
            foreach (var candidate in _cells)
            {
                if (candidate.Owner == current)
                {
                    cell = candidate;
                    break;
                }
            }

            if (cell is null)
            {
                foreach (var candidate in _cells)
                {
                    if (!candidate.Owner.IsAlive)
                    {
                        Retire(candidate);
                        candidate.Owner = current;
                        cell = candidate;
                        break;
                    }
                }
            }

            if (cell is null)
            {
                cell = new CounterCell(this, current);
                var grown = new CounterCell[_cells.Length + 1];
                _cells.CopyTo(grown, 0);
                grown[^1] = cell;
                _cells = grown;
            }
        }

        int slot = _slot;
        if (slot >= 0)
        {
            var cells = t_cells;
            if (cells is null || cells.Length <= slot)
            {
                Array.Resize(ref cells, Math.Max(slot + 1, Math.Max(8, (cells?.Length ?? 0) * 2)));
                t_cells = cells;
            }
            cells[slot] = cell;
        }
        return cell;
    }

    /// <summary>Moves an exited thread's cell into the retired totals; called under the gate.</summary>
    private void Retire(CounterCell cell)
    {
        long bytes = Volatile.Read(ref cell.Bytes);
        _retiredBytes += bytes;
        _retiredAllocations += Volatile.Read(ref cell.Allocations);
        _retiredFrees += Volatile.Read(ref cell.Frees);
        // The retired part is fully published, so the published total keeps matching the cells.
        Interlocked.Add(ref _published, bytes - cell.Published);
        cell.Bytes = 0;
        cell.Published = 0;
        cell.Allocations = 0;
        cell.Frees = 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Publish(CounterCell cell)
    {
        long bytes = cell.Bytes;
        long delta = bytes - cell.Published;
        cell.Published = bytes;
        RaisePeak(Interlocked.Add(ref _published, delta));
    }

    private long SumBytes()
    {
        long bytes = _retiredBytes;
        foreach (var cell in _cells)
            bytes += Volatile.Read(ref cell.Bytes);
        return bytes;
    }

    private void RaisePeak(long candidate)
    {
        long peak = Volatile.Read(ref _peak);
        while (candidate > peak)
        {
            long seen = Interlocked.CompareExchange(ref _peak, candidate, peak);
            if (seen == peak)
                return;
            peak = seen;
        }
    }
}
