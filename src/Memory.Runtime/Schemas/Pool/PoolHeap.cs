using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Memory.Schemas.Pool;

/// <summary>
/// One pool: per-class lists of pages carved into fixed-size blocks, an empty-page cache and the runs of pages
/// behind it. The algorithm of <see cref="PoolSchema"/>, and of each per-thread pool of <see cref="ThreadPoolSchema"/>.
/// </summary>
/// <remarks>
/// <para>
/// Not thread-safe: one thread at a time (the owner) allocates and frees directly. Other threads reach a pool only
/// through its <see cref="Remote"/> stack, which the owner drains when a class runs out of free blocks.
/// </para>
/// <para>
/// The state lives in unmanaged memory (pinned, see <see cref="PoolHeapMemory"/>) because page headers point back
/// to their pool, and a block freed from another thread must find that pool from the page alone.
/// </para>
/// <para>
/// Counting is exact and cheap: the owner adds block sizes to <see cref="AllocatedBytes"/> when it allocates and
/// to <see cref="FreedBytes"/> when it frees, plain fields that only grow (two fields rather than one, so that an
/// allocation and the next free do not wait on each other's write); blocks freed by other threads are counted on
/// the remote stack instead. <see cref="LiveBytes"/> is the difference, with no interlocked operation on the
/// owner's path. The block counts and the peak are kept beside them, so the allocator's counters can read them
/// rather than count each call again (<see cref="IAllocationSchema.KeepsCounts"/>).
/// </para>
/// <para>
/// The owner's frees go onto a list of recent blocks per class, which allocations take from first (see
/// <see cref="SizeClassPages"/>); pages see their blocks again when that list is empty, and when the pool looks for
/// empty pages. Pages do not count their live blocks (see <see cref="PageHeader"/>), so a page that empties stays with
/// its class until the pool looks for empty pages: on <see cref="Trim"/>, and before taking a new run from the C heap
/// when the pages in use hold markedly more than the live bytes (<see cref="ReclaimEmptyPages"/>), each time putting
/// the recent blocks back on their pages first.
/// </para>
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PoolHeap
{
    /// <summary>The size-class table's numbers, copied here so the hot path reads them next to the pool's state.</summary>
    public PoolLayout Layout;

    /// <summary>One entry per size class, indexed by class.</summary>
    public SizeClassPages* Classes;

    /// <summary>Blocks freed by threads other than the owner, on a cache line of their own.</summary>
    public RemoteFreeStack* Remote;

    /// <summary>Bytes the owner has allocated, ever.</summary>
    public long AllocatedBytes;

    /// <summary>Bytes the owner has freed, ever (blocks freed by other threads count on <see cref="Remote"/>).</summary>
    public long FreedBytes;

    /// <summary>Blocks the owner has allocated, ever.</summary>
    public long Allocations;

    /// <summary>Blocks the owner has freed, ever (not those other threads freed into <see cref="Remote"/>).</summary>
    public long Frees;

    /// <summary>
    /// The most <see cref="AllocatedBytes"/> minus <see cref="FreedBytes"/> has been, kept by <see cref="PoolSchema"/>
    /// (see <see cref="RaisePeak"/>), where no other thread frees into the pool, so it is the exact peak of the live
    /// bytes. Per-thread pools leave it alone: their schema's peak is their set's.
    /// </summary>
    public long PeakBytes;

    /// <summary>
    /// For a per-thread pool: the part of <see cref="AllocatedBytes"/> minus <see cref="FreedBytes"/> already added
    /// to its <see cref="ThreadPoolSet"/>'s shared total, from which the schema's peak is raised. Owner only.
    /// </summary>
    public long PublishedBytes;

    /// <summary>
    /// <see cref="PageSupply.PagesInUse"/> at which the next search for empty pages is worth its cost; raised after
    /// each search so that searching stays a fraction of the work of formatting pages.
    /// </summary>
    public int NextReclaimAt;

    /// <summary>The key the page free lists are encoded with (see <see cref="FreeList"/>); random, set once.</summary>
    public nint Key;

    /// <summary>The pages: empty-page cache, runs, reserved bytes.</summary>
    public PageSupply Pages;

    /// <summary>
    /// Set by a garbage collection on a thread that may not touch the pool; the pool's thread then returns its empty
    /// pages the next time it allocates from its pages (a class with no recent blocks) or a full page gets a block back.
    /// Read and written with volatile semantics.
    /// </summary>
    public int TrimRequested;


    /// <summary>Live bytes handed out by this pool, whichever thread freed them. Any thread.</summary>
    public static long LiveBytes(PoolHeap* heap)
        => Volatile.Read(ref heap->AllocatedBytes) - Volatile.Read(ref heap->FreedBytes) - heap->Remote->FreedBytes;

    /// <summary>Bytes of unmanaged memory <see cref="Initialize"/> needs, including slack to align it to a cache line.</summary>
    public static int StorageBytes(in PoolLayout layout)
        => CacheLine + AlignToCacheLine(sizeof(PoolHeap)) + sizeof(RemoteFreeStack) + layout.ClassCount * sizeof(SizeClassPages);

    /// <summary>Lays out a pool in <paramref name="storage"/> (at least <see cref="StorageBytes"/> bytes, pinned).</summary>
    public static PoolHeap* Initialize(nint storage, in PoolLayout layout)
    {
        var heap = (PoolHeap*)AlignToCacheLine(storage);
        *heap = default;
        heap->Layout = layout;
        heap->Key = Diagnostics.FreedBlockKey.New();
        heap->Remote = (RemoteFreeStack*)((byte*)heap + AlignToCacheLine(sizeof(PoolHeap)));
        *heap->Remote = default;
        heap->Classes = (SizeClassPages*)((byte*)heap->Remote + sizeof(RemoteFreeStack));
        for (int i = 0; i < layout.ClassCount; i++)
        {
            heap->Classes[i] = new SizeClassPages
            {
                Head = null,
                Tail = null,
                BlockSize = layout.BlockSize(i),
                BlocksPerPage = layout.BlocksPerPage(i),
                Recent = 0,
            };
        }
        heap->Pages.Initialize(layout);
        return heap;
    }

    /// <summary>Allocates a block; 0 when the request is beyond the pool or the C heap is exhausted. Owner only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Allocate(PoolHeap* heap, nint size, nint alignment)
    {
        // Size 0 wraps to a huge index and, like sizes above the maximum, takes the unusual path. Most callers pass
        // the default alignment 0 as a constant, for which the JIT drops the alignment test altogether.
        nuint index = (nuint)(size - 1) >> heap->Layout.MinShift;
        if (index < (nuint)heap->Layout.ClassCount && (alignment == 0 || alignment <= heap->Layout.MinAllocation))
            return AllocateFromClass(heap, (int)index);
        return AllocateUnusual(heap, size, alignment);
    }

    /// <summary>Allocates a block of class <paramref name="index"/>: the class's most recently freed one, else one from its pages. Owner only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint AllocateFromClass(PoolHeap* heap, int index)
    {
        SizeClassPages* sizeClass = heap->Classes + index;
        nint block = sizeClass->Recent;
        if (block == 0)
            return AllocateFromPages(heap, index);
        int blockSize = sizeClass->BlockSize;
        sizeClass->Recent = FreeList.Next(block, heap->Key);
        FreeList.Clear(block, blockSize);
        CountAllocation(heap, blockSize);
        return block;
    }

    /// <summary>Allocates where <see cref="PoolLayout.TryPlace"/> said: a class, or a page of its own for index -1. Owner only.</summary>
    public static nint AllocatePlaced(PoolHeap* heap, int classIndex, int blockSize)
        => classIndex >= 0 ? AllocateFromClass(heap, classIndex) : AllocateOwnPage(heap, blockSize);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CountAllocation(PoolHeap* heap, int blockSize)
    {
        long allocated = heap->AllocatedBytes + blockSize;
        heap->AllocatedBytes = allocated;
        heap->Allocations++;
    }

    /// <summary>Raises <see cref="PeakBytes"/> to the live bytes after an allocation. Owner only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RaisePeak(PoolHeap* heap)
    {
        long live = heap->AllocatedBytes - heap->FreedBytes;
        if (live > heap->PeakBytes)
            heap->PeakBytes = live;
    }

    /// <summary>Frees a block of a page this pool owns: onto its class's recent blocks, or to its page where it has no class list. Owner only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DeAllocate(PoolHeap* heap, PageHeader* page, nint block)
    {
        int blockSize = page->BlockSize;
        heap->FreedBytes += blockSize;
        heap->Frees++;
        // A page of its own has no class (ClassIndex below 0), and a block of one word no room for the key that marks
        // it free on a list that spans pages: both go to their page.
        int classIndex = page->ClassIndex;
        if (classIndex >= 0 && blockSize >= Diagnostics.FreedBlockKey.KeyedBlockSize)
            FreeList.Push(ref heap->Classes[classIndex].Recent, block, heap->Key, blockSize);
        else
            Release(heap, page, block);
    }

    /// <summary>
    /// Whether a block of this pool that looks free (<see cref="Diagnostics.FreedBlockKey.LooksFreedInPage(nint, nint, nint, nint)"/>) is
    /// free: on its page's free list or on its class's recent blocks. Owner only.
    /// </summary>
    public static bool HoldsFree(PoolHeap* heap, PageHeader* page, nint block)
    {
        if (PageHeader.HoldsFree(page, block, heap->Key))
            return true;
        if (page->ClassIndex < 0)
            return false;
        for (nint recent = heap->Classes[page->ClassIndex].Recent; recent != 0; recent = FreeList.Next(recent, heap->Key))
        {
            if (recent == block)
                return true;
        }
        return false;
    }

    /// <summary>Puts every class's recent blocks back on their pages, so that the pages' lists hold every free block. Owner only.</summary>
    /// <remarks>
    /// Not through <see cref="Release"/>: that may start a requested trim, which would walk the lists while this walks
    /// them. Every block here is of a class's page, so a page without space only rejoins its class.
    /// </remarks>
    private static void ReturnRecentBlocks(PoolHeap* heap)
    {
        for (int i = 0; i < heap->Layout.ClassCount; i++)
        {
            SizeClassPages* sizeClass = heap->Classes + i;
            nint block = sizeClass->Recent;
            sizeClass->Recent = 0;
            while (block != 0)
            {
                nint next = FreeList.Next(block, heap->Key);
                PageHeader* page = PageHeader.Of(block, heap->Layout.PageMask);
                FreeList.Push(ref page->FreeBlocks, block, heap->Key, page->BlockSize);
                if (!page->InClassList)
                    sizeClass->AddLast(page);
                block = next;
            }
        }
    }

    /// <summary>
    /// Takes back the blocks other threads freed into this pool, so their pages can be reused or returned. Owner only
    /// (or whoever holds a pool whose thread has exited).
    /// </summary>
    public static void DrainRemoteFrees(PoolHeap* heap)
    {
        nint block = heap->Remote->TakeAll();
        while (block != 0)
        {
            nint next = RemoteFreeStack.Next(block);
            // Already counted when it was pushed: only the page's bookkeeping changes.
            Release(heap, PageHeader.Of(block, heap->Layout.PageMask), block);
            block = next;
        }
    }

    /// <summary>
    /// Garbage collection: drains remote frees, moves every empty page to the cache and returns wholly free runs to
    /// the C heap. Owner only (or whoever holds a pool whose thread has exited).
    /// </summary>
    public static void Trim(PoolHeap* heap)
    {
        Volatile.Write(ref heap->TrimRequested, 0);
        DrainRemoteFrees(heap);
        ReclaimEmptyPages(heap);
        heap->Pages.ReleaseEmptyRuns();
    }

    /// <summary>
    /// Moves every wholly free page from its class to the empty-page cache, where any class can take it, once the
    /// classes' recent blocks are back on their pages. Walks the free lists of the pages with space, so it costs as
    /// much as the free blocks there are. Owner only.
    /// </summary>
    public static void ReclaimEmptyPages(PoolHeap* heap)
    {
        ReturnRecentBlocks(heap);
        for (int i = 0; i < heap->Layout.ClassCount; i++)
        {
            SizeClassPages* sizeClass = heap->Classes + i;
            PageHeader* page = sizeClass->Head;
            while (page != null)
            {
                PageHeader* next = page->Next;
                if (PageHeader.CountFreeBlocks(page, heap->Key) == page->Capacity)
                {
                    sizeClass->Remove(page);
                    heap->Pages.Return(page);
                }
                page = next;
            }
        }
        heap->NextReclaimAt = heap->Pages.PagesInUse + Math.Max(heap->Layout.PagesPerRun, heap->Pages.PagesInUse / 4);
    }

    /// <summary>Returns a block to its page without counting it. Owner only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Release(PoolHeap* heap, PageHeader* page, nint block)
    {
        FreeList.Push(ref page->FreeBlocks, block, heap->Key, page->BlockSize);
        if (!page->InClassList)
            ReleaseIntoPageWithoutSpace(heap, page);
    }

    /// <summary>A block went back to a page that was full, or that held one block of its own.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReleaseIntoPageWithoutSpace(PoolHeap* heap, PageHeader* page)
    {
        if (page->ClassIndex == PageHeader.OwnPage)
            heap->Pages.Return(page);
        else
            heap->Classes[page->ClassIndex].AddLast(page);

        if (Volatile.Read(ref heap->TrimRequested) != 0)
            Trim(heap);
    }

    // Out of line: the class's recent blocks serve most allocations, and the call sites inline AllocateFromClass.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static nint AllocateFromPages(PoolHeap* heap, int index)
    {
        // Frees seldom reach a page now (they go onto the class's recent blocks), so a collection another thread asked
        // for is acted on here as well as where a page is taken or a full page gets a block back.
        if (Volatile.Read(ref heap->TrimRequested) != 0)
            Trim(heap);
        SizeClassPages* sizeClass = heap->Classes + index;
        PageHeader* page = sizeClass->FirstWithSpace();
        if (page == null && heap->Remote->HasBlocks)
        {
            DrainRemoteFrees(heap);
            page = sizeClass->FirstWithSpace();
        }

        if (page == null)
        {
            page = TakePage(heap);
            if (page == null)
                return 0;
            PageHeader.FormatForClass(page, heap->Key, heap->Layout.PageSize, index, sizeClass->BlockSize, sizeClass->BlocksPerPage);
            sizeClass->AddFirst(page);
        }

        nint block = FreeList.Pop(ref page->FreeBlocks, heap->Key, page->BlockSize);
        CountAllocation(heap, page->BlockSize);
        return block;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static nint AllocateUnusual(PoolHeap* heap, nint size, nint alignment)
    {
        if (!heap->Layout.TryPlace(size, alignment, out int classIndex, out int blockSize))
            return 0;
        return AllocatePlaced(heap, classIndex, blockSize);
    }

    private static nint AllocateOwnPage(PoolHeap* heap, int blockSize)
    {
        PageHeader* page = TakePage(heap);
        if (page == null)
            return 0;
        CountAllocation(heap, blockSize);
        return PageHeader.FormatAsOwnPage(page, heap->Layout.PageSize, blockSize);
    }

    private static PageHeader* TakePage(PoolHeap* heap)
    {
        if (Volatile.Read(ref heap->TrimRequested) != 0)
            Trim(heap);
        else if (heap->Remote->HasBlocks)
            DrainRemoteFrees(heap);

        if (heap->Pages.NeedsNewRun && heap->Pages.PagesInUse >= heap->NextReclaimAt && HoldsSpareMemory(heap))
            ReclaimEmptyPages(heap);
        return heap->Pages.Take(heap);
    }

    /// <summary>Whether the pages in use hold at least two pages' worth of bytes more than is live: then some may be empty.</summary>
    private static bool HoldsSpareMemory(PoolHeap* heap)
        => (long)heap->Pages.PagesInUse * heap->Layout.PageSize - LiveBytes(heap) >= 2 * heap->Layout.PageSize;

    private const int CacheLine = 64;

    private static int AlignToCacheLine(int value) => (value + CacheLine - 1) & ~(CacheLine - 1);

    private static nint AlignToCacheLine(nint value) => (value + CacheLine - 1) & ~(nint)(CacheLine - 1);
}
