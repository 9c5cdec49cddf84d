namespace Memory.Schemas.Pool;

/// <summary>
/// Notices that a thread has exited, so the pools it owned can be reclaimed: a thread-static object that only its
/// thread refers to, whose finalizer therefore runs after the thread is gone, and tells each pool's schema.
/// </summary>
/// <remarks>
/// Finalization waits for a garbage collection, so <see cref="ThreadPoolSet"/> also checks
/// <see cref="Thread.IsAlive"/> of every owner when it collects or hands out a pool; whichever notices first
/// orphans the pool, and the other finds nothing to do (the owner must still be the exited thread).
/// </remarks>
internal sealed class ThreadExitWatcher
{
    [ThreadStatic]
    private static ThreadExitWatcher? t_watcher;

    private readonly Thread _thread = Thread.CurrentThread;
    private readonly List<ThreadHeap> _heaps = [];

    /// <summary>
    /// Reports <paramref name="heap"/> to its schema when the calling thread exits; forgets the pools of retired schemas,
    /// which have no use for the report (see <see cref="ThreadHeapTable"/>'s remarks on what a thread keeps).
    /// </summary>
    public static void Watch(ThreadHeap heap)
    {
        List<ThreadHeap> heaps = (t_watcher ??= new ThreadExitWatcher())._heaps;
        heaps.RemoveAll(static watched => watched.Set.IsRetired);
        heaps.Add(heap);
    }

    ~ThreadExitWatcher()
    {
        foreach (var heap in _heaps)
            heap.Set.OnThreadExited(heap, _thread);
    }
}
