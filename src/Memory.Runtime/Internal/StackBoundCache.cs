using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Memory.Internal;

/// <summary>
/// A thread cache that the thread using it can find from the address of its stack, without a thread-static read: the
/// way threads other than the main one reach their cache in a heap's <see cref="StackCacheSlots"/> (HPHA's and the heap
/// schema's thread caches, <c>ThreadPoolAllocator</c>'s per-thread pools, <c>AllocatorMemoryPool</c>'s thread slots).
/// </summary>
/// <remarks>
/// <para>
/// <b>Why.</b> On Linux a thread-static read in JIT-compiled code is a call into the C library's TLS lookup, about
/// 2.3 ns, and an allocate-and-free pair makes two (see <see cref="MainThreadStack"/>, which spares the main thread
/// the same way with no protocol at all, since its stack is never reused).
/// </para>
/// <para>
/// <b>What an address proves.</b> A cache bound to a slot remembers one page of its owner's stack, the last it was
/// used from (<see cref="BindTo"/>, <see cref="MoveTo"/>: the owner alone writes it while it lives). No two live
/// threads' stacks share a page, so whoever runs on that page is the owner, or, once the owner has exited, the one
/// thread whose stack reuses its memory (the C library keeps an exited thread's stack for the next thread). That
/// thread then works in the owner's place: the owner's last writes happened before it started, through the
/// synchronisation of thread exit and creation, so the cache still has one user at a time.
/// </para>
/// <para>
/// <b>Retirement.</b> A cache whose owner has exited is taken back by another thread (<see cref="TryDetach"/>), which
/// must not empty it while a stack-reusing thread is inside it. So every use found by address is bracketed:
/// <see cref="TryEnter"/> raises a busy mark before it confirms the page, <see cref="Leave"/> lowers it. The retirer
/// writes a page no address equals, takes the cache out of its slot, and calls
/// <see cref="Interlocked.MemoryBarrierProcessWide"/>, which runs a full barrier on every processor: a user's busy mark
/// was then either visible before the barrier returned, and the retirer waits for it to fall, or the user's
/// confirmation read comes after and sees the page gone. The user pays two plain stores and a load; the rare retirer
/// pays the barrier (a system call).
/// </para>
/// <para>
/// Only a thread running on the remembered page may write the busy mark: a thread that checked first and wrote second
/// could lower the mark of the thread inside. Hence the page is compared before the mark is raised, and again after.
/// </para>
/// </remarks>
internal abstract unsafe class StackBoundCache
{
    /// <summary>
    /// The granule by which stacks are told apart: no page size is smaller, so two live threads' stacks never share one.
    /// </summary>
    private const nuint PageSize = 4096;

    /// <summary>A value no page address equals (it is not a multiple of the page size).</summary>
    private const nuint NotAPage = 1;

    /// <summary>How long a retirer waits for a thread inside the cache before it leaves the cache for a later try.</summary>
    private static readonly TimeSpan s_detachPatience = TimeSpan.FromSeconds(1);

    // The page and the busy mark, in one struct of explicit layout: a class's fields are laid out as the runtime
    // chooses (it put a padding field after both), a struct's where it says.
    private PageAndMark _words = new() { StackPage = NotAPage };

    private ref nuint _stackPage => ref _words.StackPage;

    private ref int _busy => ref _words.Busy;

    /// <summary>Whether a thread that entered by address is inside (for tests).</summary>
    internal bool IsBusy => Volatile.Read(ref _busy) != 0;

    /// <summary>The slot the cache holds in its heap's <see cref="StackCacheSlots"/>, or -1.</summary>
    internal int Slot { get; private set; } = -1;

    /// <summary>The page of the caller's stack (the method is always inlined, so the local is the caller's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [SkipLocalsInit] // only the local's address matters: nothing stores to it
    public static nuint CurrentPage()
    {
        byte frame;
        return (nuint)(&frame) & ~(PageSize - 1);
    }

    /// <summary>
    /// Enters the cache when the caller runs on its remembered page, which makes the caller its only user until
    /// <see cref="Leave"/>; false, having written nothing, otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnter(nuint page)
    {
        if (_stackPage != page)
            return false;
        Volatile.Write(ref _busy, 1);
        if (Volatile.Read(ref _stackPage) == page)
            return true;
        // A retirer took the page away in between: the caller holds the page, so the mark was its own to lower.
        Volatile.Write(ref _busy, 0);
        return false;
    }

    /// <summary>
    /// Enters the cache as its owner, found the thread-static way, for a cache that another thread empties while its owner
    /// lives (<c>AllocatorMemoryPool</c>'s thread slots): the emptier waits for the same mark. No page check is needed, since
    /// no other thread runs on the owner's stack while the owner lives. The caller calls <see cref="Leave"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EnterAsOwner() => Volatile.Write(ref _busy, 1);

    /// <summary>
    /// Ends a use of the cache. Every use ends here, however it was found: only a use found by address raised the mark,
    /// and lowering a mark that is down costs a store.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Leave() => Volatile.Write(ref _busy, 0);

    /// <summary>Records that the cache holds slot <paramref name="slot"/> for <paramref name="page"/>. Owner only, before publishing.</summary>
    internal void BindTo(int slot, nuint page)
    {
        _stackPage = page;
        Slot = slot;
    }

    /// <summary>Forgets a slot the cache did not get after all. Owner only, before publishing.</summary>
    internal void Unbind()
    {
        _stackPage = NotAPage;
        Slot = -1;
    }

    /// <summary>
    /// Moves the remembered page to <paramref name="page"/> of the owner's stack, in the same slot. Owner only, while it
    /// lives (a thread that entered by address never calls this: its thread-static way leads to its own cache).
    /// </summary>
    internal void MoveTo(nuint page) => Volatile.Write(ref _stackPage, page);

    /// <summary>
    /// Makes the cache unreachable by address and waits for a thread inside it to leave; false when one was still inside
    /// after <see cref="s_detachPatience"/> (descheduled, or gone by an exception), so that the caller retires the cache
    /// later instead. Called when the owner has exited, before the cache is emptied.
    /// </summary>
    internal bool TryDetach(ref StackCacheSlots slots)
    {
        if (Slot >= 0)
        {
            MakeUnreachable(ref slots);
            Interlocked.MemoryBarrierProcessWide();
        }
        // A cache never bound has no one inside; one detached by an earlier try that timed out may still have.
        if (Volatile.Read(ref _busy) == 0)
            return true;

        long start = Stopwatch.GetTimestamp();
        var spinner = new SpinWait();
        while (Volatile.Read(ref _busy) != 0)
        {
            if (Stopwatch.GetElapsedTime(start) > s_detachPatience)
                return false;
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        return true;
    }

    /// <summary>
    /// The first half of <see cref="TryDetach"/>, for a caller that runs the barrier and the wait itself: from now on no
    /// call finds the cache by address, though one that already found it may still be inside. The cache holds no slot
    /// afterwards, so a thread that takes it over (an orphaned pool's adopter) claims one of its own.
    /// </summary>
    internal void MakeUnreachable(ref StackCacheSlots slots)
    {
        if (Slot < 0)
            return;
        Volatile.Write(ref _stackPage, NotAPage);
        slots.Release(Slot, this);
        Slot = -1;
    }

    // Every thread whose stack falls into this cache's slot reads the page on each call; the cache's user writes the mark
    // on each call. A line apart, so that those reads do not take the line from the user at each of its calls.
    [StructLayout(LayoutKind.Explicit, Size = 2 * CacheLine)]
    private struct PageAndMark
    {
        [FieldOffset(0)]
        public nuint StackPage;

        [FieldOffset(CacheLine)]
        public int Busy;
    }

    private const int CacheLine = 64;
}
