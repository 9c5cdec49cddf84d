using System.Runtime.CompilerServices;
using Memory.Internal;
using Memory.Schemas;

namespace Memory.Tracking.Counters;

/// <summary>
/// Live bytes, allocation counts and peak of one allocator, kept so that counting costs a few additions
/// and the totals stay exact under any concurrency.
/// </summary>
/// <remarks>
/// <para>
/// <b>Schemas that are not thread-safe</b> (whose callers already serialise every call): plain fields,
/// plain additions, an exact peak.
/// </para>
/// <para>
/// <b>Thread-safe schemas</b> start <em>owned</em>: the first thread that counts becomes the sole
/// counter and adds into fields only it writes, with plain stores, and keeps an exact peak. The owner is
/// recognised by the stack it runs on (see <see cref="CurrentStackPage"/>): comparing the page of a local's
/// address with a field is a few instructions, where even a thread-static read is a call on Linux, and
/// either is far cheaper than the interlocked adds a shared count would need on every allocation and free.
/// The first call from any other thread, to
/// allocate or to free, turns the counters <em>striped</em> for good: each thread adds into
/// a cell of its own with plain stores, found through thread-static tables indexed by this object's slot,
/// and readers sum the shared totals, the first thread's fields and the cells. The first thread may still
/// be finishing an update of its fields when another thread turns the counters striped; since nobody else
/// ever writes them, nothing is lost. A block allocated on one thread and freed on another adds to one
/// cell and subtracts from the other, so totals stay exact. When a thread has exited, its cell is folded
/// into the shared totals and handed to the next thread that needs one, so the number of cells follows
/// the number of live threads.
/// </para>
/// <para>
/// A striped peak cannot be exact without a shared write per operation, so it is the high-water mark of
/// two kinds of observed totals: the <em>published</em> total, to which each thread adds its running sum
/// whenever that sum has moved by more than <see cref="PublishThreshold"/> bytes since it last did (one
/// interlocked add, rare for steady alloc/free traffic), and every total computed by a read. It is never
/// below a total a reader has seen, and it is within <see cref="PublishThreshold"/> per counting thread of
/// the true peak.
/// </para>
/// </remarks>
internal sealed class AllocationCounters
{
    /// <summary>The owner before any thread has counted: matches no <see cref="CountingThread.Assign"/> number.</summary>
    private const int NoOwner = -1;

    /// <summary>A value no page address equals (it is not a multiple of the page size): no thread owns the counters by page.</summary>
    private const nuint NotAPage = 1;

    /// <summary>How far a thread's running sum may drift from what it has published before it publishes.</summary>
    public const long PublishThreshold = 64 * 1024;

    [ThreadStatic]
    private static CounterCell? t_lastCell;

    [ThreadStatic]
    private static CounterCell?[]? t_cells;

    private readonly object _gate = new();
    private readonly bool _concurrent;

    // What was counted with plain stores: every count of a schema that is not thread-safe, and what the
    // first thread of a thread-safe one counted (that thread alone writes them). Bytes allocated and bytes freed
    // are two fields that only grow, so that an allocation and the next free do not wait on each other's store.
    private long _ownerAllocatedBytes;
    private long _ownerFreedBytes;
    private long _ownerAllocations;
    private long _ownerFrees;
    private long _peak;
    private int _owner = NoOwner;

    // Thread-safe schemas once striped: the totals published by the threads and folded from exited ones.
    private long _bytes;
    private long _allocations;
    private long _frees;

    // The page of the owner's stack it last counted from, or NotAPage: see CurrentStackPage.
    private nuint _ownerStackPage = NotAPage;

    private volatile bool _striped;

    // Set for a schema that keeps its own counts: every figure comes from there, and nothing is counted here but the
    // corrections for guarded blocks (see AdjustSchemaCounts).
    private ISchemaCountSource? _schema;
    private long _adjustedBytes;
    private long _adjustedAllocations;
    private long _adjustedFrees;
    private int _slot = -1;
    private CounterCell[] _cells = [];

    /// <param name="concurrent">Whether the schema is thread-safe, so that several threads count at once.</param>
    public AllocationCounters(bool concurrent) => _concurrent = concurrent;

    /// <summary>Whether threads count into cells of their own (a thread-safe schema used from several threads).</summary>
    public bool IsStriped => _striped;

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
            if (_schema is { } schema)
                return schema.Read().Bytes + Volatile.Read(ref _adjustedBytes);
            if (!_striped)
                return Volatile.Read(ref _bytes) + OwnerBytes;
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
            if (_schema is { } schema)
            {
                SchemaCounts counts = schema.Read();
                return counts.Allocations - counts.Frees + Volatile.Read(ref _adjustedAllocations) - Volatile.Read(ref _adjustedFrees);
            }
            lock (_gate)
            {
                long live = Volatile.Read(ref _allocations) - Volatile.Read(ref _frees)
                    + Volatile.Read(ref _ownerAllocations) - Volatile.Read(ref _ownerFrees);
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
            if (_schema is { } schema)
                return schema.Read().Allocations + Volatile.Read(ref _adjustedAllocations);
            lock (_gate)
            {
                long total = Volatile.Read(ref _allocations) + Volatile.Read(ref _ownerAllocations);
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
            if (_schema is { } schema)
            {
                SchemaCounts counts = schema.Read();
                return Math.Max(counts.Peak + Volatile.Read(ref _adjustedBytes), counts.Bytes + Volatile.Read(ref _adjustedBytes));
            }
            if (_striped)
                _ = Bytes; // a read raises the peak to the present total
            return Volatile.Read(ref _peak);
        }
    }

    /// <summary>Lowers the peak to the present total.</summary>
    public void ResetPeak()
    {
        if (_schema is { } schema)
        {
            schema.ResetPeak();
            return;
        }
        lock (_gate)
            Volatile.Write(ref _peak, SumBytes());
    }

    /// <summary>Counts an allocation on a schema whose callers serialise every call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddLocal(nint size)
    {
        long allocated = _ownerAllocatedBytes + size;
        _ownerAllocatedBytes = allocated;
        _ownerAllocations++;
        long bytes = allocated - _ownerFreedBytes;
        if (bytes > _peak)
            _peak = bytes;
    }

    /// <summary>Counts a free on a schema whose callers serialise every call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void RemoveLocal(nint size)
    {
        _ownerFreedBytes += size;
        _ownerFrees++;
    }

    /// <summary>Counts an allocation on a thread-safe schema.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddConcurrent(nint size)
    {
        nuint page = CurrentStackPage();
        if (page == _ownerStackPage)
        {
            AddLocal(size);
            return;
        }
        AddFromAnyThread(size, page);
    }

    /// <summary>Counts a free on a thread-safe schema.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void RemoveConcurrent(nint size)
    {
        nuint page = CurrentStackPage();
        if (page == _ownerStackPage)
        {
            RemoveLocal(size);
            return;
        }
        RemoveFromAnyThread(size, page);
    }

    /// <summary>
    /// The page of the calling thread's stack the caller's frame lies in (the method is always inlined, so the
    /// local is the caller's).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Whoever runs on a page of the owner's stack is the owner: every thread runs on a stack of its own, mapped
    /// in whole pages, so while a thread lives no other thread's frames lie in its pages. An owner that has exited
    /// leaves its page to at most one live thread (a new thread whose stack reuses that memory), which then counts
    /// in its place; the owner's stores happened before that thread started, through the synchronisation of thread
    /// exit and creation. So the fields still have a single writer at any time.
    /// </para>
    /// <para>
    /// Only one page is remembered: the last the owner counted from. A caller on another page of the owner's stack
    /// takes the out-of-line path, where the owner is recognised by its thread-static token and the page moves to
    /// the caller's. Readers on other threads may see either page; both belong to the owner.
    /// </para>
    /// <para>
    /// This assumes stacks the runtime or the OS created. A native host that runs managed code on stacks it carved
    /// out of one page for several threads (user-level fibers sharing a buffer) would defeat it; .NET never does.
    /// </para>
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint CurrentStackPage() => StackBoundCache.CurrentPage();

    /// <summary>Reports the counts <paramref name="schema"/> keeps from now on, instead of counting here.</summary>
    public void ReadFrom(ISchemaCountSource schema) => _schema = schema;

    /// <summary>
    /// Corrects a schema's own counts for a guarded block, which the schema saw at another size than the user's (guard
    /// bytes: the whole block, guards included) or not at all (a guard page, mapped outside it): <paramref name="bytes"/>
    /// is the user's size less what the schema counted (negated on free), <paramref name="blocks"/> 1 when the schema
    /// counted no block. Any thread; the tracked path only.
    /// </summary>
    public void AdjustSchemaCounts(long bytes, int blocks, bool allocation)
    {
        Interlocked.Add(ref _adjustedBytes, bytes);
        if (blocks != 0)
            Interlocked.Add(ref allocation ? ref _adjustedAllocations : ref _adjustedFrees, blocks);
    }

    /// <summary>Turns striped now, as a second thread would; for tests of the striped counting.</summary>
    internal void MakeStriped()
    {
        lock (_gate)
        {
            if (_striped)
                return;
            _slot = CounterSlots.Rent();
            _striped = true;
            // The owner may still be past its page test, finishing an update of fields only it writes: harmless.
            _ownerStackPage = NotAPage;
        }
    }

    /// <summary>Gives the slot back; later counting (frees after dispose) still works, through the slow path.</summary>
    public void Release()
    {
        lock (_gate)
        {
            if (_slot >= 0)
                CounterSlots.Return(_slot);
            _slot = -1;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddFromAnyThread(nint size, nuint page)
    {
        if (ClaimOwnership(page))
            AddLocal(size);
        else
            AddToCell(size);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RemoveFromAnyThread(nint size, nuint page)
    {
        if (ClaimOwnership(page))
            RemoveLocal(size);
        else
            RemoveFromCell(size);
    }

    /// <summary>
    /// True when the calling thread is (now) the owner and the counters are not striped, and then remembers
    /// <paramref name="page"/> as the owner's; otherwise turns them striped (a second thread has come) and returns false.
    /// </summary>
    private bool ClaimOwnership(nuint page)
    {
        if (!_striped)
        {
            int current = CountingThread.Assign();
            int owner = Interlocked.CompareExchange(ref _owner, current, NoOwner);
            if ((owner == NoOwner || owner == current) && _concurrent)
            {
                // A full fence, so the test of _striped below cannot be answered before the page is visible: either
                // MakeStriped sees this page and clears it, or this test sees the counters striped.
                Interlocked.Exchange(ref _ownerStackPage, page);
                // Striped meanwhile: take the page back, so later calls go to the cells.
                if (!_striped)
                    return true;
                _ownerStackPage = NotAPage;
                return false;
            }
            MakeStriped();
        }
        return false;
    }

    // Allocated before freed: both only grow, so a racing owner can make the difference low for a moment, never
    // high (a peak raised from it stays true).
    private long OwnerBytes => Volatile.Read(ref _ownerAllocatedBytes) - Volatile.Read(ref _ownerFreedBytes);

    private long SumBytes()
    {
        long bytes = Volatile.Read(ref _bytes) + OwnerBytes;
        foreach (var cell in _cells)
            bytes += Volatile.Read(ref cell.Bytes) - Volatile.Read(ref cell.Published);
        return bytes;
    }

    private void AddToCell(nint size)
    {
        CounterCell cell = CurrentCell();
        long bytes = cell.Bytes + size;
        cell.Bytes = bytes;
        cell.Allocations++;
        if (bytes - cell.Published > PublishThreshold)
            Publish(cell);
    }

    private void RemoveFromCell(nint size)
    {
        CounterCell cell = CurrentCell();
        long bytes = cell.Bytes - size;
        cell.Bytes = bytes;
        cell.Frees++;
        if (cell.Published - bytes > PublishThreshold)
            Publish(cell);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private CounterCell CurrentCell()
    {
        // Most threads count into one allocator at a time: one thread-static read finds the cell.
        CounterCell? last = t_lastCell;
        if (last is not null && last.Counters == this)
            return last;
        return t_lastCell = FindCell();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private CounterCell FindCell()
    {
        CounterCell?[]? cells = t_cells;
        int slot = _slot;
        if (cells is not null && (uint)slot < (uint)cells.Length && cells[slot] is { } cell && cell.Counters == this)
            return cell;
        return AttachCell();
    }

    private CounterCell AttachCell()
    {
        Thread current = Thread.CurrentThread;
        CounterCell? cell = null;
        int slot;
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
                _cells = [.. _cells, cell];
            }
            slot = _slot;
        }

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

    /// <summary>Folds an exited thread's cell into the shared totals and clears it; called under the gate.</summary>
    private void Retire(CounterCell cell)
    {
        Interlocked.Add(ref _bytes, Volatile.Read(ref cell.Bytes) - cell.Published);
        Interlocked.Add(ref _allocations, Volatile.Read(ref cell.Allocations));
        Interlocked.Add(ref _frees, Volatile.Read(ref cell.Frees));
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
        RaisePeak(Interlocked.Add(ref _bytes, delta));
    }

    private void RaisePeak(long candidate) => InterlockedMax.Raise(ref _peak, candidate);
}
