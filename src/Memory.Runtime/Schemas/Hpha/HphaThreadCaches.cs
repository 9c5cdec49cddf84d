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
/// (<see cref="HphaHeap.Retire"/>), which returns the cached blocks to the buckets. The thread is gone by then, so
/// nothing else touches those caches. Heap ids are never reused; a thread's table grows to the highest id it has used.
/// </remarks>
internal sealed class HphaThreadCaches
{
    [ThreadStatic]
    private static HphaThreadCaches? t_current;

    // The cache this thread used last: a program mostly uses one heap, so most calls stop here, two loads after the
    // thread-static base instead of four.
    [ThreadStatic]
    private static HphaThreadCache? t_last;

    private HphaThreadCache?[] _byHeapId = new HphaThreadCache?[4];

    /// <summary>The calling thread's cache for <paramref name="heap"/>, created on first use.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static HphaThreadCache For(HphaHeap heap)
    {
        // The main thread's cache is found without a thread-static read, which on Linux is a call (see MainThreadStack).
        if (MainThreadStack.IsCurrent() && heap.MainThreadCache is { } main)
            return main;
        HphaThreadCache? last = t_last;
        if (last is not null && last.Heap == heap)
            return last;
        return ForAnotherHeap(heap);
    }

    /// <summary>The calling thread's cache for <paramref name="heap"/>, or null when it has none.</summary>
    public static HphaThreadCache? Find(HphaHeap heap)
    {
        HphaThreadCache?[]? byHeapId = t_current?._byHeapId;
        return byHeapId is not null && (uint)heap.Id < (uint)byHeapId.Length ? byHeapId[heap.Id] : null;
    }

    ~HphaThreadCaches()
    {
        foreach (HphaThreadCache? cache in _byHeapId)
            cache?.Heap.Retire(cache);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static HphaThreadCache ForAnotherHeap(HphaHeap heap)
    {
        HphaThreadCaches? current = t_current;
        if (current is not null)
        {
            HphaThreadCache?[] byHeapId = current._byHeapId;
            int id = heap.Id;
            if ((uint)id < (uint)byHeapId.Length && byHeapId[id] is { } cache)
                return t_last = cache;
        }
        return t_last = Create(heap);
    }

    private static HphaThreadCache Create(HphaHeap heap)
    {
        HphaThreadCaches current = t_current ??= new HphaThreadCaches();
        if (heap.Id >= current._byHeapId.Length)
            Array.Resize(ref current._byHeapId, Math.Max(heap.Id + 1, current._byHeapId.Length * 2));

        var cache = new HphaThreadCache(heap);
        heap.Register(cache);
        current._byHeapId[heap.Id] = cache;
        return cache;
    }
}
