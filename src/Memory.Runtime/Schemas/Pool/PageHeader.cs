using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Memory.Schemas.Pool;

/// <summary>
/// The layout of a pool page: blocks from the page start, this header in the last <see cref="Size"/> bytes.
/// </summary>
/// <remarks>
/// Pages are aligned to the page size, so a block finds its header by masking its address (<see cref="Of"/>),
/// with no lookup. Keeping the header at the end rather than the start lets block 0 sit on the page boundary,
/// so every block of a class is aligned to the largest power of two dividing its size, and a page of its own
/// serves any alignment up to the page size.
/// A header belongs to the pool that owns the page (<see cref="Owner"/>); only that pool's thread touches its
/// fields, except <see cref="Owner"/> and <see cref="BlockSize"/>, which never change while a block of the page
/// is live and may be read from any thread.
/// The header keeps no count of live blocks: updating one on every allocation and free would put a
/// read-modify-write of the same word on the hot path twice per block, which costs as much as the rest of the path.
/// A page is known to be wholly free by counting its free list (<see cref="CountFreeBlocks"/>), which only
/// garbage collection and page reclaiming do.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PageHeader
{
    /// <summary>Bytes reserved for the header at the end of every page: one cache line.</summary>
    public const int Size = 64;

    /// <summary>Class index of a page that holds one block aligned beyond what any class gives.</summary>
    public const int OwnPage = -1;

    /// <summary>Class index of a page that is in the pool's empty-page cache.</summary>
    public const int Unused = -2;

    /// <summary>
    /// The page's free blocks, linked through their first word and keyed in their second (see <see cref="FreeList"/>): allocations pop, the
    /// owner's frees push. One list, not one to allocate from and one to free into: a pair then touches one head, and
    /// a block freed is the next handed out, still in cache.
    /// </summary>
    public nint FreeBlocks;

    /// <summary>Neighbours in the list the page is on: its class's pages with space, or the empty-page cache.</summary>
    public PageHeader* Next;

    /// <inheritdoc cref="Next"/>
    public PageHeader* Previous;

    /// <summary>The pool whose thread may allocate from and free into this page directly.</summary>
    public PoolHeap* Owner;

    /// <summary>The run of pages this page was carved from.</summary>
    public PageRun* Run;

    /// <summary>Blocks the page holds.</summary>
    public int Capacity;

    /// <summary>The usable size of each block: the class size, or the rounded size for a page of its own.</summary>
    public int BlockSize;

    /// <summary>The size class, <see cref="OwnPage"/> or <see cref="Unused"/>.</summary>
    public int ClassIndex;

    /// <summary>Whether the page is linked in its class's list of pages with space.</summary>
    public bool InClassList;

    /// <summary>The header of the page holding <paramref name="block"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PageHeader* Of(nint block, nint pageMask) => (PageHeader*)((block | pageMask) + 1 - Size);

    /// <summary>The header of the page starting at <paramref name="page"/>.</summary>
    public static PageHeader* AtPage(nint page, nint pageSize) => (PageHeader*)(page + pageSize - Size);

    /// <summary>The first byte of the page this header ends.</summary>
    public static nint PageStart(PageHeader* header, nint pageSize) => (nint)header + Size - pageSize;

    /// <summary>
    /// Makes the page serve <paramref name="capacity"/> blocks of <paramref name="blockSize"/>, all of them free and
    /// linked in address order, so the first allocations walk the page forwards.
    /// </summary>
    public static void FormatForClass(PageHeader* header, nint key, nint pageSize, int classIndex, int blockSize, int capacity)
    {
        nint first = PageStart(header, pageSize);
        nint last = first + (nint)(capacity - 1) * blockSize;
        for (nint block = first; block < last; block += blockSize)
            FreeList.SetNext(block, block + blockSize, key, blockSize);
        FreeList.SetNext(last, 0, key, blockSize);

        header->FreeBlocks = first;
        header->Capacity = capacity;
        header->BlockSize = blockSize;
        header->ClassIndex = classIndex;
        header->InClassList = false;
    }

    /// <summary>Free blocks of the page: the length of its free list.</summary>
    public static int CountFreeBlocks(PageHeader* header, nint key)
    {
        int count = 0;
        for (nint block = header->FreeBlocks; block != 0; block = FreeList.Next(block, key))
            count++;
        return count;
    }

    /// <summary>
    /// Whether a block is on the page's free list: the confirmation of a block that looks free (see
    /// <see cref="Diagnostics.FreedBlockKey.LooksFreedInPage(nint, nint, nint, nint)"/>), so that a live block holding such words by chance is never refused.
    /// </summary>
    public static bool HoldsFree(PageHeader* header, nint block, nint key)
    {
        if (header->ClassIndex == OwnPage)
            return false;
        if (header->ClassIndex == Unused)
            return true;
        for (nint free = header->FreeBlocks; free != 0; free = FreeList.Next(free, key))
        {
            if (free == block)
                return true;
        }
        return false;
    }

    /// <summary>Makes the page hold one live block at its start, for an alignment beyond any class.</summary>
    public static nint FormatAsOwnPage(PageHeader* header, nint pageSize, int blockSize)
    {
        header->FreeBlocks = 0;
        header->Capacity = 1;
        header->BlockSize = blockSize;
        header->ClassIndex = OwnPage;
        header->InClassList = false;
        nint block = PageStart(header, pageSize);
        FreeList.Clear(block, blockSize);  // a page from the cache may still hold the link and key of an earlier block here
        return block;
    }
}
