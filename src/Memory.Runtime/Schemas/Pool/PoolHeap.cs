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
/// Counting is exact and cheap: <see cref="AllocatedBytes"/> is a plain field the owner adds block sizes to and
/// subtracts them from; blocks freed by other threads are counted on the remote stack instead, so the live bytes
/// are <see cref="LiveBytes"/> = allocated - remotely freed, with no interlocked operation on the owner's path.
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

    /// <summary>Bytes allocated minus bytes freed by the owner (blocks freed by other threads count on <see cref="Remote"/>).</summary>
    public long AllocatedBytes;

    /// <summary>The pages: empty-page cache, runs, reserved bytes.</summary>
    public PageSupply Pages;

    /// <summary>
    /// Set by a garbage collection on a thread that may not touch the pool; the pool's thread then returns its empty
    /// pages the next time it needs a page or empties one. Read and written with volatile semantics.
    /// </summary>
    public int TrimRequested;

    /// <summary>
    /// The managed id of the thread that last took or emptied a page: the thread using the pool, as far as a
    /// garbage collection needs to know (see <see cref="PoolSchema.GarbageCollect"/>). Written on slow paths only.
    /// </summary>
    public int ActiveThreadId;

    /// <summary>Live bytes handed out by this pool, whichever thread freed them. Any thread.</summary>
    public static long LiveBytes(PoolHeap* heap) => Volatile.Read(ref heap->AllocatedBytes) - heap->Remote->FreedBytes;

    /// <summary>Bytes of unmanaged memory <see cref="Initialize"/> needs, including slack to align it to a cache line.</summary>
    public static int StorageBytes(in PoolLayout layout)
        => CacheLine + AlignToCacheLine(sizeof(PoolHeap)) + sizeof(RemoteFreeStack) + layout.ClassCount * sizeof(SizeClassPages);

    /// <summary>Lays out a pool in <paramref name="storage"/> (at least <see cref="StorageBytes"/> bytes, pinned).</summary>
    public static PoolHeap* Initialize(nint storage, in PoolLayout layout)
    {
        var heap = (PoolHeap*)AlignToCacheLine(storage);
        *heap = default;
        heap->Layout = layout;
        heap->Remote = (RemoteFreeStack*)((byte*)heap + AlignToCacheLine(sizeof(PoolHeap)));
        *heap->Remote = default;
        heap->Classes = (SizeClassPages*)((byte*)heap->Remote + sizeof(RemoteFreeStack));
        for (int i = 0; i < layout.ClassCount; i++)
        {
            heap->Classes[i] = new SizeClassPages
            {
                Head = null,
                BlockSize = layout.BlockSize(i),
                BlocksPerPage = layout.BlocksPerPage(i),
            };
        }
        heap->Pages.Initialize(layout);
        return heap;
    }

    /// <summary>Allocates a block; 0 when the request is beyond the pool or the C heap is exhausted. Owner only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Allocate(PoolHeap* heap, nint size, nint alignment)
    {
        // Size 0 wraps to a huge index and, like sizes above the maximum, takes the unusual path.
        nuint index = (nuint)(size - 1) >> heap->Layout.MinShift;
        if (index < (nuint)heap->Layout.ClassCount && alignment <= heap->Layout.MinAllocation)
            return AllocateFromClass(heap, (int)index);
        return AllocateUnusual(heap, size, alignment);
    }

    /// <summary>Allocates a block of class <paramref name="index"/>. Owner only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint AllocateFromClass(PoolHeap* heap, int index)
    {
        PageHeader* page = heap->Classes[index].Head;
        if (page != null)
        {
            nint block = page->FreeBlocks;
            if (block != 0)
            {
                page->FreeBlocks = FreeList.Next(block);
                page->Used++;
                heap->AllocatedBytes += page->BlockSize;
                return block;
            }
        }
        return AllocateFromNewPage(heap, index);
    }

    /// <summary>Allocates where <see cref="PoolLayout.TryPlace"/> said: a class, or a page of its own for index -1. Owner only.</summary>
    public static nint AllocatePlaced(PoolHeap* heap, int classIndex, int blockSize)
        => classIndex >= 0 ? AllocateFromClass(heap, classIndex) : AllocateOwnPage(heap, blockSize);

    /// <summary>Frees a block of a page this pool owns. Owner only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DeAllocate(PoolHeap* heap, PageHeader* page, nint block)
    {
        heap->AllocatedBytes -= page->BlockSize;
        Release(heap, page, block);
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
            nint next = FreeList.Next(block);
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
        for (int i = 0; i < heap->Layout.ClassCount; i++)
        {
            SizeClassPages* sizeClass = heap->Classes + i;
            PageHeader* page = sizeClass->Head;
            while (page != null)
            {
                PageHeader* next = page->Next;
                if (page->Used == 0)
                {
                    sizeClass->Remove(page);
                    heap->Pages.Return(page);
                }
                page = next;
            }
        }
        heap->Pages.ReleaseEmptyRuns();
    }

    /// <summary>Returns a block to its page without counting it. Owner only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Release(PoolHeap* heap, PageHeader* page, nint block)
    {
        FreeList.Push(ref page->FreeBlocks, block);
        if (--page->Used == 0 || !page->InClassList)
            AfterReleaseChangesPageState(heap, page);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AfterReleaseChangesPageState(PoolHeap* heap, PageHeader* page)
    {
        if (page->ClassIndex == PageHeader.OwnPage)
        {
            heap->Pages.Return(page);
        }
        else
        {
            SizeClassPages* sizeClass = heap->Classes + page->ClassIndex;
            if (!page->InClassList)
                sizeClass->AddFirst(page);
            if (page->Used == 0 && !sizeClass->IsOnly(page))
            {
                sizeClass->Remove(page);
                heap->Pages.Return(page);
            }
        }

        if (page->Used == 0)
        {
            heap->ActiveThreadId = System.Environment.CurrentManagedThreadId;
            if (Volatile.Read(ref heap->TrimRequested) != 0)
                Trim(heap);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static nint AllocateFromNewPage(PoolHeap* heap, int index)
    {
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
            PageHeader.FormatForClass(page, heap->Layout.PageSize, index, sizeClass->BlockSize, sizeClass->BlocksPerPage);
            sizeClass->AddFirst(page);
        }

        nint block = FreeList.Pop(ref page->FreeBlocks);
        page->Used++;
        heap->AllocatedBytes += page->BlockSize;
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
        heap->AllocatedBytes += blockSize;
        return PageHeader.FormatAsOwnPage(page, heap->Layout.PageSize, blockSize);
    }

    private static PageHeader* TakePage(PoolHeap* heap)
    {
        heap->ActiveThreadId = System.Environment.CurrentManagedThreadId;
        if (Volatile.Read(ref heap->TrimRequested) != 0)
            Trim(heap);
        else if (heap->Remote->HasBlocks)
            DrainRemoteFrees(heap);
        return heap->Pages.Take(heap);
    }

    private const int CacheLine = 64;

    private static int AlignToCacheLine(int value) => (value + CacheLine - 1) & ~(CacheLine - 1);

    private static nint AlignToCacheLine(nint value) => (value + CacheLine - 1) & ~(nint)(CacheLine - 1);
}
