using System.Runtime.InteropServices;

namespace Memory.Schemas.Pool;

/// <summary>
/// One size class of one pool: the pages of the class that may have free blocks, most recently useful first.
/// </summary>
/// <remarks>
/// Allocation takes from the head page's free list. A page that fills up stays in the list until an allocation
/// finds it full at the head and drops it (so the hot path never unlinks); it rejoins at the head when one of its
/// blocks is freed. A page whose last block is freed leaves for the pool's empty-page cache, where any class can
/// reuse it, unless it is the class's only page: keeping one spare avoids taking and formatting a page again and
/// again when a single block is allocated and freed in a loop.
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

    /// <summary>Drops full pages from the head; returns the first page with a free block, or null.</summary>
    public PageHeader* FirstWithSpace()
    {
        PageHeader* page = Head;
        while (page != null && page->FreeBlocks == 0)
        {
            Remove(page);
            page = Head;
        }
        return page;
    }

    /// <summary>Whether <paramref name="page"/> is the class's only page.</summary>
    public readonly bool IsOnly(PageHeader* page) => Head == page && page->Next == null;

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
