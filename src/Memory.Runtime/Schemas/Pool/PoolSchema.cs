using System.Runtime.CompilerServices;
using Memory.Diagnostics;
using Memory.Schemas.Pool;

namespace Memory.Schemas;

/// <summary>
/// O3DE's <c>PoolSchema</c>: a small-block allocator of fixed size classes carved from pages. Very fast, and
/// <b>not thread-safe</b>; <see cref="ThreadPoolSchema"/> is the thread-safe version.
/// </summary>
/// <remarks>
/// <para>
/// Classes run from <see cref="PoolSchemaOptions.MinAllocationSize"/> to <see cref="PoolSchemaOptions.MaxAllocationSize"/>
/// in steps of the minimum (by default 8 to 512 in steps of 8). A request is rounded up to the minimum, then to its
/// alignment; <see cref="AllocationSize"/> is the rounded size. Requests above the maximum return 0: a pool serves
/// small blocks only, and larger ones belong to another allocator.
/// </para>
/// <para>
/// Alignment: the default (0) is the minimum allocation size. Any power of two up to the page size works for sizes
/// up to the maximum; when rounding the size up to the alignment would pass the maximum (e.g. alignment 1024 with
/// the default maximum of 512), the block gets a page of its own. Alignments above the page size return 0.
/// </para>
/// <para>
/// Each page (4 KiB by default, aligned to its size) holds blocks of one class and a header at its end that a block
/// finds by masking its address. Free blocks are linked through their first word: a block the pool's thread frees
/// goes onto its class's list of recently freed blocks, which the next allocation of the class takes from first (not
/// part of O3DE's pool, where every free and allocation goes through the block's page), and a class with none left
/// allocates from its pages. Pages come from the C heap in
/// runs (<see cref="OSSchema"/>). A page emptied in one class serves any class once the pool looks for empty pages:
/// before it asks the C heap for a new run, and on <see cref="GarbageCollect"/>, which also returns runs none of
/// whose pages is in use. <see cref="ReservedBytes"/> is the memory of the runs held.
/// </para>
/// <para>Create it with a constructor: a <c>default</c> instance has no pool and must not be used.</para>
/// </remarks>
public unsafe struct PoolSchema : IAllocationSchema
{
    private readonly PoolHeapMemory _memory;
    private readonly PoolHeap* _heap;

    /// <summary>A pool with the default options (4 KiB pages, blocks of 8 to 512 bytes).</summary>
    public PoolSchema()
        : this(PoolSchemaOptions.Default)
    {
    }

    /// <summary>A pool shaped by <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">The options break a rule of <see cref="PoolSchemaOptions"/>.</exception>
    public PoolSchema(PoolSchemaOptions options)
    {
        var layout = new PoolLayout(options);
        _memory = new PoolHeapMemory(layout, options);
        _heap = _memory.Heap;
    }

    /// <inheritdoc/>
    public static bool IsThreadSafe => false;

    /// <inheritdoc/>
    /// <remarks>The pool counts every block on its own path already; only its thread frees, so the peak is exact.</remarks>
    public static bool KeepsCounts => true;

    /// <inheritdoc/>
    public readonly SchemaCounts Counts
    {
        get
        {
            PoolHeap* heap = _heap;
            return new SchemaCounts(PoolHeap.LiveBytes(heap), Volatile.Read(ref heap->Allocations), Volatile.Read(ref heap->Frees),
                Volatile.Read(ref heap->PeakBytes));
        }
    }

    /// <inheritdoc/>
    public readonly void ResetPeak() => Volatile.Write(ref _heap->PeakBytes, PoolHeap.LiveBytes(_heap));

    /// <summary>The options the pool was made with.</summary>
    public readonly PoolSchemaOptions Options => _memory.Options;

    /// <inheritdoc/>
    public readonly long NumAllocatedBytes => PoolHeap.LiveBytes(_heap);

    /// <inheritdoc/>
    public readonly long ReservedBytes => _heap->Pages.ReservedBytes;

    /// <inheritdoc/>
    public readonly long Capacity => long.MaxValue;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly nint Allocate(nint size, nint alignment)
    {
        PoolHeap* heap = _heap;
        nint block = PoolHeap.Allocate(heap, size, alignment);
        PoolHeap.RaisePeak(heap);
        return block;
    }

    /// <inheritdoc/>
    /// <remarks>Only sizes and alignments that fit a size class (or a page of its own) can ever be served.</remarks>
    public readonly bool CanEverServe(nint size, nint alignment) => _heap->Layout.TryPlace(size, alignment, out _, out _);

    /// <inheritdoc/>
    public readonly void Attach(AllocatorBase allocator) => _memory.OwnerName = allocator.Name;

    /// <inheritdoc/>
    /// <exception cref="AllocatorMisuseException">The block is free already (<see cref="Diagnostics.MisuseKind.DoubleFree"/>); nothing changed.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void DeAllocate(nint pointer, nint size, nint alignment)
    {
        PoolHeap* heap = _heap;
        nint pageMask = heap->Layout.PageMask;
        PageHeader* page = PageHeader.Of(pointer, pageMask);
        if (FreedBlockKey.Enabled && FreedBlockKey.LooksFreedInPage(pointer, heap->Key, pageMask, page->BlockSize) && PoolHeap.HoldsFree(heap, page, pointer))
            FreedBlockKey.ThrowDoubleFree(_memory.OwnerName, pointer);
        PoolHeap.DeAllocate(heap, page, pointer);
    }

    /// <inheritdoc/>
    /// <remarks>Stays in place when the block already has the size class and alignment asked for; otherwise moves.</remarks>
    public readonly nint ReAllocate(nint pointer, nint newSize, nint newAlignment)
    {
        PoolHeap* heap = _heap;
        PageHeader* page = PageHeader.Of(pointer, heap->Layout.PageMask);
        if (FreedBlockKey.Enabled && FreedBlockKey.LooksFreedInPage(pointer, heap->Key, heap->Layout.PageMask, page->BlockSize)
            && PoolHeap.HoldsFree(heap, page, pointer))
            FreedBlockKey.ThrowDoubleFree(_memory.OwnerName, pointer);
        if (!heap->Layout.TryPlace(newSize, newAlignment, out int classIndex, out int blockSize))
            return 0;

        if (blockSize == page->BlockSize && IsAligned(pointer, newAlignment))
            return pointer;

        nint moved = PoolHeap.AllocatePlaced(heap, classIndex, blockSize);
        if (moved == 0)
            return 0;
        PoolHeap.RaisePeak(heap); // both blocks are live until the old one goes
        Buffer.MemoryCopy((void*)pointer, (void*)moved, blockSize, Math.Min(page->BlockSize, blockSize));
        PoolHeap.DeAllocate(heap, page, pointer);
        return moved;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly nint AllocationSize(nint pointer) => PageHeader.Of(pointer, _heap->Layout.PageMask)->BlockSize;

    /// <summary>
    /// Returns pages none of whose blocks is live. Like every call on this schema, it must come from the thread using
    /// the pool (or with the calls serialised by the caller).
    /// </summary>
    public readonly void GarbageCollect() => PoolHeap.Trim(_heap);

    /// <summary>
    /// A collection from any thread (<see cref="AllocatorManager.GarbageCollect"/>, the out-of-memory handling of
    /// another allocator): only a flag, and the pool's thread trims the next time it allocates from its pages (a class
    /// whose recently freed blocks have run out) or frees into a page that was full.
    /// </summary>
    /// <remarks>
    /// Trimming from the caller's thread is never safe here: a pool takes no locks, and a pool handed from one thread
    /// to another may be in use on a thread no field of the pool names (the hot paths record nothing), so no test of
    /// the caller can tell that the pool is idle.
    /// </remarks>
    public readonly void RequestGarbageCollect() => Volatile.Write(ref _heap->TrimRequested, 1);

    /// <inheritdoc/>
    /// <remarks>The allocator is disposed, so no thread allocates from the pool any more: every free page and run goes.</remarks>
    public readonly void Retire() => PoolHeap.Trim(_heap);

    /// <summary>Whether a block already meets an alignment; 0 (the default) is the minimum size, which every block meets.</summary>
    internal static bool IsAligned(nint pointer, nint alignment) => alignment == 0 || (pointer & (alignment - 1)) == 0;
}
