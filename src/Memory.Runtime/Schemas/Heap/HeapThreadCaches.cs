using System.Runtime.CompilerServices;
using Memory.Internal;

namespace Memory.Schemas;

/// <summary>
/// The thread caches of the current thread, one per <see cref="HeapCentral"/> it has used, found by the
/// heap's id; and the way a thread's caches get back to their heaps when the thread exits.
/// </summary>
/// <remarks>
/// The only reference to a thread's instance is a thread-static field. When the thread exits, the runtime
/// drops its thread statics, the instance becomes unreachable, and its finalizer hands each cache to its
/// heap (<see cref="HeapCentral.Retire"/>): the blocks go back to the central lists and the thread's byte
/// count is folded into the heap's, once no thread that reuses the exited one's stack is inside the cache
/// (<see cref="StackBoundCache"/>). The heap
/// usually gets there first: the next thread to register a cache, or garbage collection, retires the caches of
/// threads that have exited, and the finalizer then finds nothing to do. The caches of heaps retired since (their
/// allocator disposed) go back when the thread adds a cache (see <see cref="ThreadCacheList{TCache}"/>).
/// </remarks>
internal sealed class HeapThreadCaches
{
    [ThreadStatic]
    private static HeapThreadCaches? t_current;

    private ThreadCacheList<HeapThreadCache> _caches;

    /// <summary>
    /// The cache the calling thread uses in <paramref name="heap"/> (its own, created on first use, or that of an exited
    /// thread whose stack it runs on; see <see cref="StackBoundCache"/>). The caller calls
    /// <see cref="StackBoundCache.Leave"/> when done with it, on every path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static HeapThreadCache Enter(HeapCentral heap)
    {
        // The main thread's cache is found without a thread-static read, which on Linux is a call (see MainThreadStack);
        // so is another thread's, from the slot of its stack page, once it holds one.
        if (MainThreadStack.IsCurrent() && heap.MainThreadCache is { } main)
            return main;
        nuint page = StackBoundCache.CurrentPage();
        if (heap.StackSlots.TryEnter(page) is { } bound)
            return Unsafe.As<HeapThreadCache>(bound);
        return ForThisThread(heap, page);
    }

    // The thread-static way, which also binds the thread's cache to its stack page for the next calls.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static HeapThreadCache ForThisThread(HeapCentral heap, nuint page)
    {
        HeapThreadCache cache = Find(heap) ?? Create(heap);
        heap.StackSlots.Keep(cache, page);
        return cache;
    }

    /// <summary>The calling thread's cache for <paramref name="heap"/>, or null when it has none.</summary>
    public static HeapThreadCache? Find(HeapCentral heap) => t_current?._caches.Find(heap.Id);

    /// <summary>How many caches the calling thread holds (for tests).</summary>
    internal static int CountForTests => t_current?._caches.Count ?? 0;

    ~HeapThreadCaches()
    {
        foreach (HeapThreadCache cache in _caches.All)
            cache.Heap.Retire(cache);
    }

    private static HeapThreadCache Create(HeapCentral heap)
    {
        HeapThreadCaches current = t_current ??= new HeapThreadCaches();
        var cache = new HeapThreadCache(heap);
        heap.Register(cache);
        current._caches.Add(cache);
        return cache;
    }
}
