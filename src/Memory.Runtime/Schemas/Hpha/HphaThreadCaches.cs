using System.Runtime.CompilerServices;
using Memory.Internal;

namespace Memory.Schemas.Hpha;

/// <summary>
/// The thread caches of the current thread, one per <see cref="HphaHeap"/> it has used, found by the heap's id; and
/// the way a thread's caches get back to their heaps when the thread exits (the scheme of <see cref="HeapThreadCaches"/>).
/// </summary>
/// <remarks>
/// The only reference to a thread's instance is a thread-static field. When the thread exits, the runtime drops its
/// thread statics, the instance becomes unreachable, and its finalizer hands each cache to its heap
/// (<see cref="HphaHeap.Retire"/>), which returns the cached blocks to the buckets once no thread that reuses the
/// exited one's stack is inside them (<see cref="StackBoundCache"/>). The caches of heaps retired since (their allocator
/// disposed) go back when the thread adds a cache (see <see cref="ThreadCacheList{TCache}"/>).
/// </remarks>
internal sealed class HphaThreadCaches
{
    [ThreadStatic]
    private static HphaThreadCaches? t_current;

    // The cache this thread used last: a program mostly uses one heap, so most calls stop here, two loads after the
    // thread-static base instead of four.
    [ThreadStatic]
    private static HphaThreadCache? t_last;

    private ThreadCacheList<HphaThreadCache> _caches;

    /// <summary>
    /// The cache the calling thread uses in <paramref name="heap"/> (its own, created on first use, or that of an exited
    /// thread whose stack it runs on; see <see cref="StackBoundCache"/>). The caller calls
    /// <see cref="StackBoundCache.Leave"/> when done with it, on every path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static HphaThreadCache Enter(HphaHeap heap)
    {
        // The main thread's cache is found without a thread-static read, which on Linux is a call (see MainThreadStack);
        // so is another thread's, from the slot of its stack page, once it holds one.
        nuint page = StackBoundCache.CurrentPage();
        return TryEnterByAddress(heap, page) ?? ForThisThread(heap, page);
    }

    /// <summary>
    /// The cache the calling thread finds without a call: the main thread's, or the one bound to <paramref name="page"/>
    /// (entered); null when the caller must take the thread-static way (<see cref="ForThisThread"/>) with the same page.
    /// </summary>
    /// <remarks>
    /// For the allocate and free paths, which take the thread-static way in a method of their own: a call in the middle
    /// of those inlined paths would make the JIT keep their values (the bucket, the block) on the stack on every call.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static HphaThreadCache? TryEnterByAddress(HphaHeap heap, nuint page)
    {
        if (MainThreadStack.IsCurrent() && heap.MainThreadCache is { } main)
            return main;
        return heap.StackSlots.TryEnter(page) is { } bound ? Unsafe.As<HphaThreadCache>(bound) : null;
    }

    /// <summary>
    /// The thread-static way, which also binds the thread's cache to <paramref name="page"/>, a page of the caller's frame
    /// (<see cref="StackBoundCache.CurrentPage"/>), for the next calls. The caller leaves the cache as after <see cref="Enter"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static HphaThreadCache ForThisThread(HphaHeap heap, nuint page)
    {
        HphaThreadCache? last = t_last;
        HphaThreadCache cache = last is not null && last.Heap == heap ? last : ForAnotherHeap(heap);
        heap.StackSlots.Keep(cache, page);
        return cache;
    }

    /// <summary>The calling thread's cache for <paramref name="heap"/>, or null when it has none.</summary>
    public static HphaThreadCache? Find(HphaHeap heap) => t_current?._caches.Find(heap.Id);

    /// <summary>How many caches the calling thread holds (for tests).</summary>
    internal static int CountForTests => t_current?._caches.Count ?? 0;

    ~HphaThreadCaches()
    {
        foreach (HphaThreadCache cache in _caches.All)
            cache.Heap.Retire(cache);
    }

    private static HphaThreadCache ForAnotherHeap(HphaHeap heap)
        => t_last = Find(heap) ?? Create(heap);

    private static HphaThreadCache Create(HphaHeap heap)
    {
        HphaThreadCaches current = t_current ??= new HphaThreadCaches();
        var cache = new HphaThreadCache(heap);
        heap.Register(cache);
        // The last-used cache may be one the list gives back to a retired heap now: it must not be found again.
        t_last = null;
        current._caches.Add(cache);
        return cache;
    }
}
