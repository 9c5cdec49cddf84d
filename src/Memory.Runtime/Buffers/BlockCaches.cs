namespace Memory.Buffers;

/// <summary>
/// The live <see cref="BlockCache"/>s, so that <see cref="AllocatorManager.GarbageCollect"/> and out-of-memory
/// handling can give their blocks back to the allocators before the allocators collect.
/// </summary>
/// <remarks>
/// A pool is held weakly: one that was never disposed still gets its blocks given back, at the first
/// collection after the garbage collector took it, and its cache is closed so that owners still out free
/// their blocks directly.
/// </remarks>
internal static class BlockCaches
{
    private static readonly object Gate = new();
    private static List<(WeakReference<AllocatorMemoryPool> Pool, BlockCache Cache)>? s_live; // created on first use, under Gate (rule MEM0003)

    public static void Add(AllocatorMemoryPool pool, BlockCache cache)
    {
        lock (Gate)
            (s_live ??= []).Add((new WeakReference<AllocatorMemoryPool>(pool), cache));
    }

    public static void Remove(BlockCache cache)
    {
        lock (Gate)
            s_live?.RemoveAll(entry => entry.Cache == cache);
    }

    /// <summary>Asks every cache to give its blocks back; closes those whose pool is gone.</summary>
    public static void TrimAll()
    {
        List<BlockCache> orphans = [];
        BlockCache[] live;
        lock (Gate)
        {
            if (s_live is not { } entries)
                return;
            for (int i = entries.Count - 1; i >= 0; i--)
            {
                if (!entries[i].Pool.TryGetTarget(out _))
                {
                    orphans.Add(entries[i].Cache);
                    entries.RemoveAt(i);
                }
            }
            live = entries.Select(entry => entry.Cache).ToArray();
        }
        // Outside the lock: giving blocks back runs allocator code, which may itself report through the manager.
        foreach (BlockCache cache in orphans)
            cache.Abandon();
        foreach (BlockCache cache in live)
            cache.RequestTrim();
    }
}
