using System.Runtime.CompilerServices;
using Memory.Internal;

namespace Memory.Schemas.Pool;

/// <summary>
/// The per-thread pools of one <see cref="ThreadPoolSchema"/> instance: gives each thread its pool, takes pools
/// back from exited threads, and adds up the figures of all of them.
/// </summary>
/// <remarks>
/// <para>
/// A thread's first call makes or adopts its pool under the lock; every call after that finds the pool by its stack
/// page (<see cref="StackSlots"/>) or through <see cref="ThreadHeapTable"/>, and never takes the lock. The lock also
/// guards pools whose thread has exited (orphans): nobody allocates from an orphan, so whoever holds the lock may drain
/// and trim it. A pool becomes an orphan only once it is detached from its stack page
/// (<see cref="StackBoundCache.TryDetach"/>), since a thread started on the exited owner's stack may be using it.
/// </para>
/// <para>
/// Exited threads are noticed by <see cref="ThreadExitWatcher"/> and by checking <see cref="Thread.IsAlive"/> of the
/// owners here. An orphan is handed whole to the next thread that needs a pool, pages, live blocks and all, so a
/// program that keeps starting short-lived threads reuses the same few pools; when no thread needs it,
/// <see cref="GarbageCollect"/> drains it and, once nothing in it is live, releases its memory.
/// </para>
/// <para>
/// The schema's counts (<see cref="Counts"/>) are the pools' own, summed: each pool counts what its thread allocates
/// and frees, each remote stack what other threads free into it, and released pools leave theirs here. The peak
/// cannot be exact without a shared write per call, so, much as for the allocator's striped counters, each thread
/// adds its pool's running live bytes to a shared total every <see cref="PublishEvery"/> allocations and every
/// <see cref="PublishEvery"/> frees, a remote free subtracts at once, and the peak is the high-water mark of that
/// total and of every exact total read: never below a total read earlier, and above the true peak by at most the
/// bytes the other pools have freed since they last published (fewer than <see cref="PublishEvery"/> blocks each:
/// under 128 KiB a pool with the default 512-byte largest block).
/// </para>
/// </remarks>
internal sealed unsafe class ThreadPoolSet
{
    private readonly object _gate = new();
    private readonly List<ThreadHeap> _heaps = [];
    private readonly List<ThreadHeap> _orphans = [];

    // A copy of _heaps for reading the figures without the lock; replaced whenever the list changes.
    private volatile ThreadHeap[] _published = [];

    // The shared total the pools publish into (see the remarks), its high-water mark, and the counts of released pools.
    private long _sharedLiveBytes;
    private long _peak;
    private long _releasedAllocations;
    private long _releasedFrees;
    private volatile bool _retired;

    public ThreadPoolSet(PoolSchemaOptions options)
    {
        Layout = new PoolLayout(options);
        Options = options;
        Id = ThreadHeapTable.NewSchemaId();
    }

    /// <summary>The schema instance's key in <see cref="ThreadHeapTable"/>.</summary>
    public int Id { get; }

    public PoolLayout Layout { get; }

    /// <summary>The allocator the pools belong to, named in the misuse they report.</summary>
    public string? OwnerName { get; set; }

    public PoolSchemaOptions Options { get; }

    /// <summary>Live bytes of every pool, exact once the threads that allocate and free have returned from those calls.</summary>
    public long LiveBytes
    {
        get
        {
            long total = 0;
            foreach (var heap in _published)
                total += PoolHeap.LiveBytes(heap.Heap);
            return total;
        }
    }

    /// <summary>Bytes of page runs held by every pool.</summary>
    public long ReservedBytes
    {
        get
        {
            long total = 0;
            foreach (var heap in _published)
                total += Volatile.Read(ref heap.Heap->Pages.ReservedBytes);
            return total;
        }
    }

    /// <summary>Allocations, frees, live bytes and peak of every pool, released ones included (see the remarks).</summary>
    public SchemaCounts Counts
    {
        get
        {
            lock (_gate)
            {
                long bytes = 0, allocations = _releasedAllocations, frees = _releasedFrees;
                foreach (var heap in _heaps)
                {
                    PoolHeap* pool = heap.Heap;
                    bytes += PoolHeap.LiveBytes(pool);
                    allocations += Volatile.Read(ref pool->Allocations);
                    frees += Volatile.Read(ref pool->Frees) + pool->Remote->Frees;
                }
                InterlockedMax.Raise(ref _peak, bytes);
                return new SchemaCounts(bytes, allocations, frees, Volatile.Read(ref _peak));
            }
        }
    }

    /// <summary>
    /// How many of its allocations, and separately of its frees, a pool makes between publications: a power of two,
    /// so the test is a mask of the count the pool keeps anyway.
    /// </summary>
    public const int PublishEvery = 256;

    /// <summary>Whether the pool's allocation or free just counted is one at which it publishes. Owner only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsPublishTurn(long count) => (count & (PublishEvery - 1)) == 0;

    /// <summary>Adds the pool's live bytes since it last published to the shared total, raising the peak. Owner only.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Publish(PoolHeap* heap)
    {
        long live = heap->AllocatedBytes - heap->FreedBytes;
        long delta = live - heap->PublishedBytes;
        heap->PublishedBytes = live;
        InterlockedMax.Raise(ref _peak, Interlocked.Add(ref _sharedLiveBytes, delta));
    }

    /// <summary>A block freed into another thread's pool leaves the shared total at once. Any thread.</summary>
    public void RemoteFreed(int blockSize) => Interlocked.Add(ref _sharedLiveBytes, -blockSize);

    /// <summary>Lowers the peak to the live bytes now.</summary>
    public void ResetPeak()
    {
        lock (_gate)
            Volatile.Write(ref _peak, LiveBytes);
    }

    /// <summary>Pools known to be orphaned and not adopted yet (exits are noticed by the finalizer, by attaching and by collecting).</summary>
    public int OrphanCount
    {
        get
        {
            lock (_gate)
                return _orphans.Count;
        }
    }

    /// <summary>
    /// Pools found by the page of the caller's stack, without a thread-static read (see <see cref="StackBoundCache"/>).
    /// </summary>
    public StackCacheSlots StackSlots;

    /// <summary>
    /// The main thread's pool, found without a thread-static read (see <see cref="MainThreadStack"/>); null until it has
    /// one. The pool alone, not its object: the main thread's calls have nothing to leave (see <see cref="ThreadPoolSchema"/>).
    /// </summary>
    public PoolHeap* MainThreadPool { get; private set; }

    /// <summary>The calling thread's pool, made or adopted now. Called once per thread, on its first use of the schema.</summary>
    public ThreadHeap AttachCurrentThread()
    {
        ThreadHeap heap;
        lock (_gate)
        {
            OrphanExitedThreads();
            if (_orphans.Count > 0)
            {
                heap = _orphans[^1];
                _orphans.RemoveAt(_orphans.Count - 1);
            }
            else
            {
                heap = new ThreadHeap(this, new PoolHeapMemory(Layout, Options));
                _heaps.Add(heap);
                Publish();
            }
            heap.Owner = Thread.CurrentThread;
        }

        ThreadHeapTable.Set(heap);
        if (MainThreadStack.IsCurrent())
            MainThreadPool = heap.Heap;
        ThreadExitWatcher.Watch(heap);
        return heap;
    }

    /// <summary>Called by <see cref="ThreadExitWatcher"/>: orphans the pool if <paramref name="thread"/> still owns it.</summary>
    public void OnThreadExited(ThreadHeap heap, Thread thread)
    {
        lock (_gate)
            Orphan(heap, thread);
    }

    /// <summary>
    /// Drains and trims the calling thread's pool and every orphan, releases orphans with nothing live, and asks the
    /// other threads to trim their pools the next time they need a page.
    /// </summary>
    public void GarbageCollect()
    {
        lock (_gate)
        {
            OrphanExitedThreads();
            bool released = false;
            for (int i = _orphans.Count - 1; i >= 0; i--)
            {
                ThreadHeap orphan = _orphans[i];
                PoolHeap.Trim(orphan.Heap);
                if (orphan.Heap->Pages.IsEmpty)
                {
                    // No pages means no live block, so no thread can be freeing into it: the pool can go, leaving its
                    // counts, and taking out of the shared total what it published and was not freed remotely.
                    PoolHeap* pool = orphan.Heap;
                    _releasedAllocations += pool->Allocations;
                    _releasedFrees += pool->Frees + pool->Remote->Frees;
                    Interlocked.Add(ref _sharedLiveBytes, -(pool->PublishedBytes - (pool->AllocatedBytes - pool->FreedBytes)));
                    _orphans.RemoveAt(i);
                    _heaps.Remove(orphan);
                    released = true;
                }
            }
            if (released)
                Publish();

            foreach (var heap in _heaps)
            {
                if (heap.Owner is not null && heap.Owner != Thread.CurrentThread)
                    Volatile.Write(ref heap.Heap->TrimRequested, 1);
            }
        }

        if (ThreadHeapTable.Find(Id) is { } own)
            PoolHeap.Trim(own.Heap);
    }

    /// <summary>
    /// Whether the allocator is disposed: no thread allocates from the pools any more, so the threads' tables drop them
    /// (<see cref="ThreadHeapTable"/>, <see cref="ThreadExitWatcher"/>). Frees of blocks still live go on as remote frees.
    /// </summary>
    public bool IsRetired => _retired;

    /// <summary>
    /// For a disposed allocator, when no thread allocates: marks the set retired and trims every pool with no live block,
    /// whoever owns it.
    /// </summary>
    public void Retire()
    {
        _retired = true;
        TrimIdlePools();
    }

    private void TrimIdlePools()
    {
        GarbageCollect();
        lock (_gate)
        {
            foreach (var heap in _heaps)
            {
                if (PoolHeap.LiveBytes(heap.Heap) == 0)
                    PoolHeap.Trim(heap.Heap);
            }
        }
    }

    private void OrphanExitedThreads()
    {
        foreach (var heap in _heaps)
        {
            if (heap.Owner is { IsAlive: false } exited)
                Orphan(heap, exited);
        }
    }

    private void Orphan(ThreadHeap heap, Thread thread)
    {
        // The pool may have been orphaned already and adopted by another thread since: then it is not ours to take. A
        // thread on the exited owner's stack may still be inside it: then it stays the exited thread's, and the next
        // look at exited owners tries again.
        if (heap.Owner != thread || !heap.TryDetach(ref StackSlots))
            return;
        heap.Owner = null;
        _orphans.Add(heap);
    }

    private void Publish() => _published = [.. _heaps];
}
