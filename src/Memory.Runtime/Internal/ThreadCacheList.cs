namespace Memory.Internal;

/// <summary>
/// The caches one thread holds, one per heap it has used (or its pools, one per pool schema): a short list searched by
/// heap id, from which the entries of retired heaps (their allocator disposed) are taken back when the thread adds one.
/// </summary>
/// <remarks>
/// <para>
/// Searched rather than indexed by id: heap ids are never reused, so an array indexed by them would grow with every heap
/// the process ever made. A thread uses a few heaps, and the search runs only on the thread-static way, which a thread
/// takes when its stack page does not find its cache.
/// </para>
/// <para>
/// Why the retired heaps' caches must go: no thread allocates from a disposed allocator, so its heap never again asks a
/// thread to flush its cache, and the blocks a long-lived thread (a thread-pool worker) keeps there would keep their
/// chunks reserved for as long as the thread lives. A thread that moves on to a new allocator (the next level's, the
/// next request's) takes its caches of disposed ones back then: their blocks return to their heaps, which release the
/// chunks left empty. A thread that never adds another cache keeps them until it exits, as before.
/// </para>
/// </remarks>
/// <typeparam name="TCache">The heap's cache type.</typeparam>
internal struct ThreadCacheList<TCache>
    where TCache : class, IHeapEntry
{
    private TCache?[]? _caches;

    // The caches' heap ids, side by side with them: the search compares these without a call on each cache.
    private int[]? _heapIds;

    /// <summary>The cache of the heap <paramref name="heapId"/>, or null.</summary>
    public readonly TCache? Find(int heapId)
    {
        if (_heapIds is not { } heapIds)
            return null;
        for (int i = 0; i < heapIds.Length; i++)
        {
            if (heapIds[i] == heapId)
                return _caches![i];
        }
        return null;
    }

    /// <summary>Adds the calling thread's new cache, first taking back its caches of retired heaps.</summary>
    public void Add(TCache cache)
    {
        TCache?[] caches = _caches ??= new TCache?[4];
        int[] heapIds = _heapIds ??= [-1, -1, -1, -1];
        int free = -1;
        for (int i = 0; i < caches.Length; i++)
        {
            if (caches[i] is { HeapIsRetired: true } retired)
            {
                // Out of the list first: the heap's collection looks for the thread's cache, and must not find this one.
                caches[i] = null;
                heapIds[i] = -1;
                retired.ReturnToRetiredHeap();
            }
            if (caches[i] is null && free < 0)
                free = i;
        }
        if (free < 0)
        {
            free = caches.Length;
            Array.Resize(ref caches, caches.Length * 2);
            int[] grown = new int[caches.Length];
            grown.AsSpan().Fill(-1);
            heapIds.CopyTo(grown, 0);
            _caches = caches;
            _heapIds = heapIds = grown;
        }
        caches[free] = cache;
        heapIds[free] = cache.HeapId;
    }

    /// <summary>Every cache in the list, for the thread's exit.</summary>
    public readonly IEnumerable<TCache> All => _caches?.OfType<TCache>() ?? [];

    /// <summary>How many caches the list holds (for tests).</summary>
    public readonly int Count => _caches?.Count(cache => cache is not null) ?? 0;
}
