using System.Runtime.CompilerServices;

namespace Memory.Internal;

/// <summary>
/// A heap's table of thread caches found by stack address (see <see cref="StackBoundCache"/>): 64 slots, chosen by
/// the megabyte of the stack a call runs in, each held by at most one cache.
/// </summary>
/// <remarks>
/// <para>
/// A thread takes the slot of its stack's megabyte the first time it reaches its cache the thread-static way and finds
/// the slot free; from then on its calls find the cache by address, as long as they run on the page it last used
/// (a loop's calls do). A thread whose slot another cache holds keeps the thread-static way, a call into the C
/// library's TLS lookup on every allocation and free, for as long as that cache holds it: with a handful of threads a
/// collision must be rare, not merely possible.
/// </para>
/// <para>
/// Why 64: thread stacks do not lie one after another in practice. The C library maps them among the program's other
/// mappings (a heap's 1 MiB chunks among them) and hands an exited thread's stack to the next thread, so the slots of
/// a few live threads fall as if at random. With eight slots, two threads of four shared one in about three processes
/// out of five (the benchmarks' xmalloc-test, four threads, in four processes of six), and those threads ran the
/// thread-static way throughout; 64 slots make it about one in eleven, for 512 bytes per heap.
/// </para>
/// <para>
/// Why the megabyte: a thread's calls run at different depths of its stack, and their slot should not move with the
/// depth, while different threads' stacks should fall into different slots. Thread stacks are 1.5 MiB (musl, or as set)
/// to 8 MiB (glibc's default, which the benchmarks' threads had), so two threads at a similar depth are in different
/// megabytes. With 8 MiB stacks the megabyte's low three bits are the same for every thread, so the bits above the
/// slot's are folded in: any eight neighbouring stacks of 1 to 8 MiB fall into eight different slots.
/// </para>
/// </remarks>
internal struct StackCacheSlots
{
    private const int SlotBits = 6;
    private const int Count = 1 << SlotBits;
    private const int MegabyteShift = 20;

    private Entries _entries;

    [InlineArray(Count)]
    private struct Entries
    {
        private StackBoundCache? _first;
    }

    /// <summary>The slot of a stack page.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SlotOf(nuint page)
    {
        nuint megabyte = page >> MegabyteShift;
        return (int)(megabyte ^ (megabyte >> SlotBits)) & (Count - 1);
    }

    /// <summary>The cache holding the slot of <paramref name="page"/>, if any (it may belong to another page of that megabyte).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly StackBoundCache? At(nuint page) => _entries[SlotOf(page)];

    /// <summary>
    /// The cache bound to <paramref name="page"/>, entered (the caller calls <see cref="StackBoundCache.Leave"/>); null
    /// when no cache is bound to that page.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly StackBoundCache? TryEnter(nuint page)
        => At(page) is { } bound && bound.TryEnter(page) ? bound : null;

    /// <summary>
    /// Binds the owner's <paramref name="cache"/> to <paramref name="page"/> for its next calls, from its thread-static
    /// way: takes the page's slot if the cache holds none and the slot is free, or moves to this page when the cache holds
    /// the slot already (the thread's calls now run deeper or shallower than when it was bound). Never for the main thread.
    /// </summary>
    public void Keep(StackBoundCache cache, nuint page)
    {
        // The main thread finds its cache by a field of its own (see MainThreadStack), and never exits: a slot would
        // serve it nothing, and shut out for the whole run every thread whose stack falls into the same slot.
        if (MainThreadStack.IsCurrent())
            return;
        if (cache.Slot < 0)
            TryClaim(cache, page);
        else if (cache.Slot == SlotOf(page))
            cache.MoveTo(page);
    }

    /// <summary>
    /// Gives <paramref name="cache"/> the slot of <paramref name="page"/> when it is free. Called by the cache's owner, on
    /// its own stack, for a cache that holds no slot yet.
    /// </summary>
    public bool TryClaim(StackBoundCache cache, nuint page)
    {
        int slot = SlotOf(page);
        if (_entries[slot] is not null)
            return false;
        // Bound before it is published: a reader that finds the cache must find its page.
        cache.BindTo(slot, page);
        if (Interlocked.CompareExchange(ref _entries[slot], cache, null) is null)
            return true;
        cache.Unbind();
        return false;
    }

    /// <summary>The slot <paramref name="cache"/> holds in this table, or -1 (for tests).</summary>
    public readonly int SlotHeldBy(StackBoundCache? cache)
        => cache is { Slot: >= 0 and int slot } && _entries[slot] == cache ? slot : -1;

    /// <summary>Frees <paramref name="slot"/> if <paramref name="cache"/> holds it (see <see cref="StackBoundCache.TryDetach"/>).</summary>
    public void Release(int slot, StackBoundCache cache) => Interlocked.CompareExchange(ref _entries[slot], null, cache);
}
