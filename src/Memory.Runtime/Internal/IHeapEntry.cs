namespace Memory.Internal;

/// <summary>
/// What a thread holds for one heap (a thread cache, a per-thread pool), as a <see cref="ThreadCacheList{TCache}"/>
/// keeps it: found by the heap's id, and given back once the heap is retired.
/// </summary>
internal interface IHeapEntry
{
    /// <summary>The id of the heap the cache belongs to.</summary>
    int HeapId { get; }

    /// <summary>Whether the heap is retired: its allocator is disposed (see <see cref="ThreadCacheList{TCache}"/>).</summary>
    bool HeapIsRetired { get; }

    /// <summary>
    /// Hands the cache back to its retired heap, from the cache's own thread, which drops it (see
    /// <see cref="ThreadCacheList{TCache}"/>): its blocks return and the heap releases what that leaves empty.
    /// </summary>
    void ReturnToRetiredHeap();
}
