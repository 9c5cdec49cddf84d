namespace Memory.Internal;

/// <summary>A cache of free blocks that one thread keeps in front of a shared heap.</summary>
internal interface IThreadCache : IHeapEntry
{
    /// <summary>The thread the cache belongs to.</summary>
    Thread Owner { get; }

    /// <summary>Returns every cached block to the heap.</summary>
    void FlushAll();

    /// <summary>
    /// Makes the cache of an exited thread unreachable to running threads, and waits for one still inside it to leave
    /// (see <see cref="StackBoundCache.TryDetach"/>); false when it must be retired later.
    /// </summary>
    bool TryDetach();
}

/// <summary>
/// The live threads' caches of one heap, so that the heap can sum over them and take back the cache of a thread that
/// has exited. A cache is retired once: by the finalizer of its thread's table, by the next thread's registration or
/// by garbage collection, whichever comes first; the others find it gone. A cache that a thread is still inside
/// (<see cref="IThreadCache.TryDetach"/>) stays for the next of those.
/// </summary>
/// <remarks>
/// One lock covers the list, the retirements and the sums, so no reader sees a cache gone and its blocks or its
/// figures not yet handed back. A retirement flushes under that lock, which takes the heap's own locks inside it;
/// the heap never takes this lock while holding one of its own.
/// </remarks>
/// <typeparam name="TCache">The heap's cache type.</typeparam>
internal sealed class ThreadCacheRegistry<TCache>
    where TCache : class, IThreadCache
{
    private readonly List<TCache> _caches = [];
    private readonly Func<TCache, long>? _carried;
    private readonly Action<TCache>? _retired;
    private long _retiredCarried;

    /// <param name="carried">
    /// A figure of a cache that outlives it (the bytes its thread allocated and did not free): added up over the retired
    /// caches at their retirement, so that <see cref="CarriedTotal"/> stays whole. Null when there is none.
    /// </param>
    /// <param name="retired">
    /// Called under the lock with each cache as it is retired, once its blocks are back, for figures the heap keeps
    /// itself. Null when there is none.
    /// </param>
    public ThreadCacheRegistry(Func<TCache, long>? carried = null, Action<TCache>? retired = null)
    {
        _carried = carried;
        _retired = retired;
    }

    /// <summary>How many live threads have a cache here.</summary>
    public int Count
    {
        get
        {
            lock (_caches)
                return _caches.Count;
        }
    }

    /// <summary>The carried figure over every cache there has been: the live ones now, the retired ones at retirement.</summary>
    public long CarriedTotal
    {
        get
        {
            lock (_caches)
                return _retiredCarried + SumLocked(_carried!);
        }
    }

    /// <summary>
    /// Reads figures of the heap and its caches with no retirement in between: a retirement moves a cache's blocks and
    /// counts to the heap under this lock, so a read outside it could see them in both places or in neither.
    /// </summary>
    public T Read<T>(Func<T> read)
    {
        lock (_caches)
            return read();
    }

    /// <summary><paramref name="selector"/> summed over the live caches.</summary>
    public long Sum(Func<TCache, long> selector)
    {
        lock (_caches)
            return SumLocked(selector);
    }

    /// <summary>Calls <paramref name="action"/> on every live cache.</summary>
    public void ForEach(Action<TCache> action)
    {
        lock (_caches)
        {
            foreach (TCache cache in _caches)
                action(cache);
        }
    }

    /// <summary>
    /// Adds a new thread's cache; first retires the caches of threads that have exited, so that a program that starts
    /// and ends threads keeps no more caches than it has live threads, without waiting for a collection or a finalizer.
    /// </summary>
    public void Register(TCache cache)
    {
        lock (_caches)
        {
            RetireExitedLocked();
            _caches.Add(cache);
        }
    }

    /// <summary>
    /// Takes back the cache of a thread that has exited, or one its living owner gives up (a retired heap's), unless it is
    /// back already.
    /// </summary>
    public void Retire(TCache cache)
    {
        lock (_caches)
            RetireLocked(cache);
    }

    /// <summary>Takes back the caches of every thread that has exited.</summary>
    public void RetireExited()
    {
        lock (_caches)
            RetireExitedLocked();
    }

    // Backwards, since retiring removes. An exited thread's cache is reachable from no running code once detached (a
    // thread that reuses the exited one's stack may have found it by address until then), so this thread may drain it.
    private void RetireExitedLocked()
    {
        for (int i = _caches.Count - 1; i >= 0; i--)
        {
            if (!_caches[i].Owner.IsAlive)
                RetireLocked(_caches[i]);
        }
    }

    private void RetireLocked(TCache cache)
    {
        int index = _caches.IndexOf(cache);
        if (index < 0 || !cache.TryDetach())
            return;
        _caches.RemoveAt(index);
        cache.FlushAll();
        if (_carried is not null)
            _retiredCarried += _carried(cache);
        _retired?.Invoke(cache);
    }

    private long SumLocked(Func<TCache, long> selector)
    {
        long total = 0;
        foreach (TCache cache in _caches)
            total += selector(cache);
        return total;
    }
}
