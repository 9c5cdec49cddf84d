namespace Memory.Schemas.Pool;

/// <summary>
/// The per-thread pools of one <see cref="ThreadPoolSchema"/> instance: gives each thread its pool, takes pools
/// back from exited threads, and adds up the figures of all of them.
/// </summary>
/// <remarks>
/// <para>
/// A thread's first call makes or adopts its pool under the lock; every call after that finds the pool through
/// <see cref="ThreadHeapTable"/> and never takes the lock. The lock also guards pools whose thread has exited
/// (orphans): nobody allocates from an orphan, so whoever holds the lock may drain and trim it.
/// </para>
/// <para>
/// Exited threads are noticed by <see cref="ThreadExitWatcher"/> and by checking <see cref="Thread.IsAlive"/> of the
/// owners here. An orphan is handed whole to the next thread that needs a pool, pages, live blocks and all, so a
/// program that keeps starting short-lived threads reuses the same few pools; when no thread needs it,
/// <see cref="GarbageCollect"/> drains it and, once nothing in it is live, releases its memory.
/// </para>
/// </remarks>
internal sealed unsafe class ThreadPoolSet
{
    private readonly object _gate = new();
    private readonly List<ThreadHeap> _heaps = [];
    private readonly List<ThreadHeap> _orphans = [];

    // A copy of _heaps for reading the figures without the lock; replaced whenever the list changes.
    private volatile ThreadHeap[] _published = [];

    public ThreadPoolSet(PoolSchemaOptions options)
    {
        Layout = new PoolLayout(options);
        Options = options;
        Id = ThreadHeapTable.NewSchemaId();
    }

    /// <summary>The schema instance's key in <see cref="ThreadHeapTable"/>.</summary>
    public int Id { get; }

    public PoolLayout Layout { get; }

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

    /// <summary>Pools known to be orphaned and not adopted yet (exits are noticed by the finalizer, by attaching and by collecting).</summary>
    public int OrphanCount
    {
        get
        {
            lock (_gate)
                return _orphans.Count;
        }
    }

    /// <summary>The calling thread's pool, made or adopted now. Called once per thread, on its first use of the schema.</summary>
    public PoolHeap* AttachCurrentThread()
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

        ThreadHeapTable.Set(Id, heap.Heap);
        ThreadExitWatcher.Watch(heap);
        return heap.Heap;
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
                    // No pages means no live block, so no thread can be freeing into it: the pool can go.
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

        PoolHeap* own = ThreadHeapTable.Find(Id);
        if (own != null)
            PoolHeap.Trim(own);
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
        // The pool may have been orphaned already and adopted by another thread since: then it is not ours to take.
        if (heap.Owner != thread)
            return;
        heap.Owner = null;
        _orphans.Add(heap);
    }

    private void Publish() => _published = [.. _heaps];
}
