using System.Runtime.CompilerServices;
using Memory.Internal;

namespace Memory.Schemas;

/// <summary>
/// A general-purpose heap with per-thread caches, for allocation-heavy work on many threads: O3DE's
/// <c>HeapSchema</c>, after nedmalloc's idea of thread caches in front of a shared heap.
/// </summary>
/// <remarks>
/// <para>
/// Requests up to 8 KiB are rounded to a size class (16-byte steps to 128 bytes, then four classes per
/// doubling) and served from the calling thread's cache of free blocks of that class, without a lock. An
/// empty cache takes a batch from the shared heap, which carves 64 KiB chunks from the OS, one lock per
/// class; a full cache gives half back the same way. Larger requests get a region of their own from the
/// OS; a freed one is kept for the next large request it fits (up to 1 GiB of them, never taking the heap
/// above its peak, all returned by <see cref="GarbageCollect"/>). Every region is aligned to 64 KiB with a header at its start, so a free finds a block's class from
/// the pointer alone; a large block may therefore hold up to 64 KiB of address space it never touches.
/// </para>
/// <para>
/// Any thread may free any block; it goes into the freeing thread's cache. Byte counts stay exact: each
/// cache counts what its thread allocated and freed, and the total is their sum. When a thread exits its
/// cache goes back to the heap (a thread-static object's finalizer notices; see
/// <see cref="HeapThreadCaches"/>). <see cref="GarbageCollect"/> flushes the calling thread's cache at once,
/// every other thread's at its next allocation or free, and returns every empty chunk to the OS.
/// </para>
/// <para>
/// The schema holds a reference to its shared state; copies of the struct are the same heap. Create it
/// with <c>new HeapSchema()</c>: <c>default(HeapSchema)</c> has no heap.
/// </para>
/// </remarks>
public readonly struct HeapSchema : IAllocationSchema
{
    private readonly HeapCentral _heap;

    /// <summary>Creates an empty heap; it takes memory from the OS on first use.</summary>
    public HeapSchema() => _heap = new HeapCentral();

    /// <inheritdoc/>
    public static bool IsThreadSafe => true;

    /// <inheritdoc/>
    public long NumAllocatedBytes => _heap.AllocatedBytes;

    /// <inheritdoc/>
    public long ReservedBytes => _heap.ReservedBytes;

    /// <inheritdoc/>
    public long Capacity => long.MaxValue;

    /// <summary>How many live threads have a cache of this heap.</summary>
    public int ThreadCacheCount => _heap.ThreadCacheCount;

    /// <summary>Free blocks waiting in thread caches (approximate while other threads run).</summary>
    public long CachedBlocks => _heap.CachedBlocks;

    /// <summary>
    /// Whether the cache a call from here would use is another thread's, found by stack address (an exited thread whose
    /// stack the caller reuses; see <see cref="StackBoundCache"/>) (for tests).
    /// </summary>
    internal bool EntersAnotherThreadsCache
    {
        get
        {
            HeapThreadCache entered = HeapThreadCaches.Enter(_heap);
            entered.Leave();
            return entered != HeapThreadCaches.Find(_heap);
        }
    }

    /// <summary>Whether the calling thread's cache is marked as entered by address (for tests: no call leaves it so).</summary>
    internal bool CallersCacheIsBusy => HeapThreadCaches.Find(_heap)?.IsBusy ?? false;

    /// <summary>Whether the main thread's cache, found by stack address, is the calling thread's own (for tests).</summary>
    internal bool MainThreadCacheIsCallers => _heap.MainThreadCache is { } main && main == HeapThreadCaches.Find(_heap);

    /// <summary>The stack slot the calling thread's cache holds in the table, or -1 (for tests).</summary>
    internal int CallersStackSlot => _heap.StackSlots.SlotHeldBy(HeapThreadCaches.Find(_heap));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public nint Allocate(nint size, nint alignment)
    {
        int sizeClass = HeapSizeClasses.For(size, alignment);
        HeapThreadCache cache = HeapThreadCaches.Enter(_heap);
        nint block = sizeClass >= 0 ? cache.Allocate(sizeClass) : cache.AllocateLarge(size, alignment);
        cache.Leave();
        return block;
    }

    /// <inheritdoc/>
    /// <exception cref="AllocatorMisuseException">The block belongs to another heap (or to none that is still live).</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void DeAllocate(nint pointer, nint size, nint alignment)
    {
        HeapChunk* header = HeaderOf(pointer);
        HeapThreadCache cache = HeapThreadCaches.Enter(_heap);
        bool freed = true;
        if (header->Kind == HeapChunk.SmallKind)
            freed = cache.Free(pointer, header->SizeClass);
        else
            cache.FreeLarge(pointer, header);
        cache.Leave();
        if (!freed)
            Diagnostics.FreedBlockKey.ThrowDoubleFree(_heap.OwnerName, pointer);
    }

    /// <summary>
    /// Resizes a block. It stays where it is when the new request falls in the same size class, or for a
    /// large block when the new size fits and uses at least half of it; otherwise the contents move.
    /// </summary>
    public unsafe nint ReAllocate(nint pointer, nint newSize, nint newAlignment)
    {
        HeapChunk* header = HeaderOf(pointer);
        int newClass = HeapSizeClasses.For(newSize, newAlignment);
        nint oldSize;
        if (header->Kind == HeapChunk.SmallKind)
        {
            if (Diagnostics.FreedBlockKey.Enabled && Diagnostics.FreedBlockKey.HasKey(pointer, _heap.Key))
                Diagnostics.FreedBlockKey.ThrowDoubleFree(_heap.OwnerName, pointer);
            if (newClass == header->SizeClass)
                return pointer;
            oldSize = HeapSizeClasses.SizeOf(header->SizeClass);
        }
        else
        {
            oldSize = header->LargeSize;
            bool aligned = (pointer & (Math.Max(newAlignment, HeapSizeClasses.MinAlignment) - 1)) == 0;
            if (newClass < 0 && aligned && newSize <= oldSize && newSize >= oldSize / 2)
                return pointer;
        }

        nint moved = Allocate(newSize, newAlignment);
        if (moved == 0)
            return 0;
        Buffer.MemoryCopy((void*)pointer, (void*)moved, newSize, Math.Min(oldSize, newSize));
        DeAllocate(pointer, 0, 0);
        return moved;
    }

    /// <inheritdoc/>
    public unsafe nint AllocationSize(nint pointer)
    {
        HeapChunk* header = HeaderOf(pointer);
        return header->Kind == HeapChunk.SmallKind ? HeapSizeClasses.SizeOf(header->SizeClass) : header->LargeSize;
    }

    /// <inheritdoc/>
    public void GarbageCollect() => _heap.GarbageCollect();

    /// <inheritdoc/>
    /// <remarks>
    /// The allocator is disposed: the heap is marked retired and collected. Threads other than this one still hold their
    /// caches of it; each gives them back when it next adds a cache (see <see cref="Internal.ThreadCacheList{TCache}"/>).
    /// </remarks>
    public void Retire()
    {
        _heap.MarkRetired();
        _heap.GarbageCollect();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe HeapChunk* HeaderOf(nint pointer)
    {
        HeapChunk* header = HeapChunk.Of(pointer);
        if (header->HeapTag != _heap.Tag)
            ThrowForeign(pointer);
        return header;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowForeign(nint pointer)
        => throw new AllocatorMisuseException(_heap.OwnerName ?? nameof(HeapSchema), pointer, Diagnostics.MisuseKind.ForeignPointer,
            "the pointer is not a block of this heap (its chunk header carries another heap's tag)", allocationSite: null, owner: null);

    /// <inheritdoc/>
    public void Attach(AllocatorBase allocator) => _heap.OwnerName = allocator.Name;
}
