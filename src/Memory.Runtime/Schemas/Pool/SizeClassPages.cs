using System.Runtime.InteropServices;

namespace Memory.Schemas.Pool;

/// <summary>
/// One size class of one pool: the pages of the class that may have free blocks, new pages first, pages that were
/// full last.
/// </summary>
/// <remarks>
/// Allocation takes from the head page's free list. A page that fills up stays in the list until an allocation
/// finds it full at the head and drops it (so the hot path never unlinks); it rejoins at the end when one of its
/// blocks is freed (see <see cref="AddLast"/>). Every page with a free block is therefore in the list. Wholly free
/// pages stay in it until the pool reclaims them for other classes (garbage collection, or a pool about to take a new run of pages).
/// </remarks>
[StructLayout(LayoutKind.Sequential, Size = 32)] // a power of two, so the hot path finds a class with a shift
internal unsafe struct SizeClassPages
{
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
