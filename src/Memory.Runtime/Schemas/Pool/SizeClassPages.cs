using System.Runtime.InteropServices;

namespace Memory.Schemas.Pool;

/// <summary>
/// One size class of one pool: the pages of the class that may have free blocks, most recently useful first.
/// </summary>
/// <remarks>
/// Allocation takes from the head page's free list. A page that fills up stays in the list until an allocation
/// finds it full at the head and drops it (so the hot path never unlinks); it rejoins at the head when one of its
/// blocks is freed. Every page with a free block is therefore in the list. Wholly free pages stay in it until the
/// pool reclaims them for other classes (garbage collection, or a pool about to take a new run of pages).
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SizeClassPages
{
    /// <summary>The page allocations take from, or null.</summary>
    public PageHeader* Head;

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
            if (PageHeader.HasFree(page))
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
        Head = page;
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
        page->Next = null;
        page->Previous = null;
        page->InClassList = false;
    }
}
