using System.Runtime.InteropServices;

namespace Memory.Schemas.Pool;

/// <summary>
/// One size class of one pool: the blocks of the class its thread freed and has not handed out again, then the pages
/// of the class that may have free blocks, new pages first, pages that were full last.
/// </summary>
/// <remarks>
/// <para>
/// The owner's frees go onto the class's list of recent blocks (<see cref="Recent"/>), and allocations take from it
/// first, so a class in steady use hands blocks back and forth through this one entry and never writes a page's header.
/// Before the list, every free wrote its block's page: under a random mix of sizes a different header on nearly every
/// call, and a class whose pages hold few blocks (512 bytes: seven to a 4 KiB page) emptied its head page every few
/// allocations and moved full pages on and off its list on most calls (a mix of 16-512 bytes over 1,000 live blocks
/// took 13.2-13.7 ns a replacement before and 12.1-12.3 after; the same mix rounded up to powers of two, 24.5 before
/// and 12.5 after: docs/benchmarks.md, eighth round).
/// </para>
/// <para>
/// The list has no bound, and needs none: its blocks are free memory of the class's pages either way, and what a
/// bound would change is only where they wait. Nothing but reclaiming pages needs them on their pages: garbage
/// collection, and a pool about to take a new run of pages while the pages it has hold spare memory, put every recent
/// block back on its page first (<see cref="PoolHeap.ReclaimEmptyPages"/>). A count kept for a bound cost the
/// allocate-free pair a read-modify-write on each call.
/// </para>
/// <para>
/// Allocation from the pages takes from the head page's free list. A page that fills up stays in the list until an
/// allocation finds it full at the head and drops it (so that path never unlinks); it rejoins at the end when one of
/// its blocks is freed to it (see <see cref="AddLast"/>). Every page with a free block on its own list is therefore in
/// the list. Wholly free pages stay in it until the pool reclaims them for other classes.
/// </para>
/// </remarks>
[StructLayout(LayoutKind.Sequential, Size = 64)] // a power of two, so the hot path finds a class with a shift
internal unsafe struct SizeClassPages
{
    /// <summary>
    /// Blocks of the class the owner freed and has not handed out again, newest first, linked and keyed as a page's free
    /// list is (<see cref="FreeList"/>, the pool's key) but across pages; 0 when empty. Classes of blocks too small to
    /// hold the key (one word) leave it empty: their frees go to their pages.
    /// </summary>
    public nint Recent;

    /// <summary>The page allocations take from, or null.</summary>
    public PageHeader* Head;

    /// <summary>The last page of the list, or null: where a page that was full rejoins (see <see cref="AddLast"/>).</summary>
    public PageHeader* Tail;

    /// <summary>The usable size of the class's blocks.</summary>
    public int BlockSize;

    /// <summary>How many blocks fit in a page of the class.</summary>
    public int BlocksPerPage;

    /// <summary>
    /// The first page with a free block; full pages met at the head are dropped. Null when no page of the class has a free block.
    /// </summary>
    public PageHeader* FirstWithSpace()
    {
        PageHeader* page = Head;
        while (page != null)
        {
            if (page->FreeBlocks != 0)
                return page;
            Remove(page);
            page = Head;
        }
        return null;
    }

    /// <summary>Links a page at the head, so the next allocation uses it.</summary>
    public void AddFirst(PageHeader* page)
    {
        page->Previous = null;
        page->Next = Head;
        if (Head != null)
            Head->Previous = page;
        else
            Tail = page;
        Head = page;
        page->InClassList = true;
    }

    /// <summary>
    /// Links a page at the end: a page that was full and just got a block back. At the head it would hand that one
    /// block out and be full again at once, so that every few allocations took the slow path to drop it; at the end it
    /// gathers more frees before allocations reach it, and the pages ahead of it, with more space, serve in between.
    /// </summary>
    public void AddLast(PageHeader* page)
    {
        page->Next = null;
        page->Previous = Tail;
        if (Tail != null)
            Tail->Next = page;
        else
            Head = page;
        Tail = page;
        page->InClassList = true;
    }

    /// <summary>Unlinks a page from the list.</summary>
    public void Remove(PageHeader* page)
    {
        if (page->Previous != null)
            page->Previous->Next = page->Next;
        else
            Head = page->Next;
        if (page->Next != null)
            page->Next->Previous = page->Previous;
        else
            Tail = page->Previous;
        page->Next = null;
        page->Previous = null;
        page->InClassList = false;
    }
}
