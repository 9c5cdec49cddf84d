using System.Runtime.CompilerServices;
using Memory.Internal;
using Memory.Schemas.Hpha;

namespace Memory.Schemas;

/// <summary>
/// O3DE's default schema, the High Performance Heap Allocator (Dimitar Lazarov, <i>Game Programming Gems 7</i>):
/// small blocks from per-size buckets, larger ones best fit from a red-black tree of free blocks, the largest
/// straight from the OS. Thread-safe.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description>
/// <b>Small blocks</b> (up to 1 KiB, aligned up to 1 KiB): 128 buckets 8 bytes apart, each carving blocks
/// from pages of <see cref="HphaOptions.PageSize"/> aligned to their size, with a lock per bucket. The default
/// alignment of a small block is 8 bytes; ask for 16 when a type needs it.
/// </description></item>
/// <item><description>
/// <b>Thread caches</b> in front of the small-block buckets and the tree's blocks of 1025 B to 1.5 KiB (not part of
/// O3DE's HPHA): each thread keeps up to <see cref="HphaOptions.ThreadCacheBytesPerSize"/> of free blocks per size,
/// allocates from and frees into them without a lock, and moves half a list at a time to and from the bucket or the
/// tree under one lock, so threads working on the same sizes rarely meet. A bucket keeps a few flushed half-lists whole
/// and hands each to the next cache that refills, so blocks one thread frees and another allocates cross in batches
/// without touching their pages. A list starts at a quarter of that bound and
/// doubles it on each trip to the bucket, so only the sizes a thread keeps cycling through hold much. A thread finds its
/// cache from its stack address (a thread-static read is a call on Linux): the main thread from its stack's range (see
/// <c>MainThreadStack</c>), other threads from the page their calls last ran on, bound in one of 64 slots of the heap
/// (see <c>StackBoundCache</c>); other threads through a thread-static table. A block freed by
/// another thread joins the freeing thread's cache. An exited thread's cache goes back when the next thread first uses the heap (or on
/// <see cref="GarbageCollect"/>, or when the runtime finalizes the thread's table, whichever comes first), and
/// <see cref="GarbageCollect"/> returns every cache. With caches, small requests take the bucket of their size class
/// (16 to 128 bytes 16 apart, then four per doubling: 160, 192, ... 1024), so
/// 20 sizes hold pages and lists rather than 128, and requests of 1025 B to 1.5 KiB take the largest size of their
/// 64-byte class, so that each class's list is long enough to go to the tree's lock rarely.
/// </description></item>
/// <item><description>
/// <b>Tree blocks</b> (above 1 KiB, up to <see cref="HphaOptions.BigBlockThreshold"/>): best fit by size,
/// then address, from a red-black tree of free blocks carved from chunks of <see cref="HphaOptions.ChunkSize"/>;
/// blocks split on allocation and merge with free neighbours on free (boundary tags). Two indexes sit in front
/// of the tree for speed: exact-size bins for free blocks up to 8 KiB (still best fit, found by bit scans) and
/// short quick lists of recently freed blocks by exact size, merged back before the heap would grow. 16-byte
/// aligned by default; other alignments are placed inside a free block without padding where one fits.
/// </description></item>
/// <item><description><b>Big blocks</b>: each its own OS block; freed ones are kept for reuse up to
/// <see cref="HphaOptions.BigBlockCacheSize"/>, never beyond what the heap held at its peak.</description></item>
/// </list>
/// Every chunk and big block is aligned to the chunk size and starts with a header, so the kind of any pointer
/// is read from one masked address. Empty pages and freed big blocks are kept for reuse and returned by
/// <see cref="GarbageCollect"/>; a chunk that holds no block any more is kept for
/// <see cref="HphaOptions.EmptyChunkRetention"/> and then returned to the OS without one (O3DE's HPHA keeps its chunks
/// until garbage collection). Counts are exact: <see cref="NumAllocatedBytes"/> is the sum of the usable sizes
/// of the live blocks and <see cref="ReservedBytes"/> what is held from the OS. A request above
/// <see cref="MaxAllocationSize"/> returns 0.
/// <para>
/// The schema is a handle to shared state: copies of it are the same heap. Create it with a constructor;
/// <c>default(HphaSchema)</c> has no heap.
/// </para>
/// </remarks>
public readonly unsafe struct HphaSchema : IAllocationSchema
{
    private readonly HphaHeap _heap;

    /// <summary>Creates a heap with the default <see cref="HphaOptions"/>.</summary>
    public HphaSchema()
        : this(HphaOptions.Default)
    {
    }

    /// <summary>Creates a heap with the given options.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="HphaOptions.Validate"/>).</exception>
    public HphaSchema(HphaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _heap = new HphaHeap(options);
    }

    /// <summary>The largest request served (1 TiB on 64-bit platforms); anything larger returns 0.</summary>
    public static long MaxAllocationSize => HphaHeap.MaxRequest;

    /// <summary>The alignment of a small block when none is asked for; larger blocks are 16-byte aligned.</summary>
    public const int DefaultAlignment = SmallBlockBuckets.Spacing;

    /// <inheritdoc/>
    public static bool IsThreadSafe => true;

    /// <inheritdoc/>
    /// <remarks>
    /// The thread caches count the blocks they hand out and take back as part of keeping their lists, and the buckets,
    /// the tree and the big blocks count the rest under their locks, so the allocator's counters cost nothing over
    /// tracking off; only the peak adds a few instructions per call, and only while the allocator counts. The live bytes
    /// are exact, the block counts exact when the threads are quiet, and the peak exact with one thread counting, within
    /// 64 KiB per thread with several (docs/tracking.md).
    /// </remarks>
    public static bool KeepsCounts => true;

    /// <inheritdoc/>
    public SchemaCounts Counts => _heap.Counts;

    /// <inheritdoc/>
    public void ResetPeak() => _heap.ResetPeak();

    /// <inheritdoc/>
    public void CountingChanged(bool counting) => _heap.CountingChanged(counting);

    /// <summary>The options the heap was created with.</summary>
    public HphaOptions Options => _heap.Options;

    /// <inheritdoc/>
    public long NumAllocatedBytes => _heap.AllocatedBytes;

    /// <inheritdoc/>
    public long ReservedBytes => _heap.Tree.ReservedBytes + _heap.Big.ReservedBytes;

    /// <inheritdoc/>
    public long Capacity => long.MaxValue;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public nint Allocate(nint size, nint alignment)
    {
        HphaHeap heap = _heap;
        if ((nuint)size <= SmallBlockBuckets.MaxSize && (nuint)alignment <= SmallBlockBuckets.Spacing)
            return heap.AllocateSmall(SmallBlockBuckets.IndexOf(size));
        return heap.AllocateOther(size, alignment);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void DeAllocate(nint pointer, nint size, nint alignment)
    {
        if (pointer == 0)
            return;
        HphaHeap heap = _heap;
        RegionHeader* region = heap.RegionOf(pointer);
        int bucket = heap.SmallBucketOf(region, pointer);
        if (bucket >= 0)
            heap.FreeSmall(pointer, bucket);
        else
            heap.FreeOther(pointer, region);
    }

    /// <inheritdoc/>
    public void Attach(AllocatorBase allocator) => _heap.OwnerName = allocator.Name;

    /// <inheritdoc/>
    public nint ReAllocate(nint pointer, nint newSize, nint newAlignment)
        => pointer == 0 ? Allocate(newSize, newAlignment) : _heap.ReAllocate(pointer, newSize, newAlignment);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public nint AllocationSize(nint pointer) => pointer == 0 ? 0 : _heap.BlockSize(pointer);

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

    /// <summary>Checks the tree heap's invariants (red-black tree, block chains, merged neighbours); null when they hold.</summary>
    internal string? Validate() => _heap.Tree.Validate();

    /// <summary>Free blocks in the tree heap (for tests).</summary>
    internal int FreeBlockCount => _heap.Tree.FreeBlockCount;

    /// <summary>Chunks of the tree heap that hold no block, kept for reuse (for tests).</summary>
    internal int EmptyChunkCount => _heap.Tree.EmptyChunkCount;

    /// <summary>Small blocks held in the buckets as whole batches flushed by thread caches (for tests).</summary>
    internal int HeldSmallBlocks => _heap.Small.HeldBlocks;

    /// <summary>Bytes of freed tree blocks held on the quick lists (for tests).</summary>
    internal long HeldTreeBytes => _heap.Tree.HeldBytes;

    /// <summary>Usable bytes of the blocks in thread caches (for tests; exact when the threads are quiet).</summary>
    internal long CachedBytes => _heap.CachedBytes;

    /// <summary>How many live threads have a cache of this heap (for tests).</summary>
    internal int ThreadCacheCount => _heap.ThreadCacheCount;

    /// <summary>Whether the main thread's cache, found by stack address, is the calling thread's own (for tests).</summary>
    internal bool MainThreadCacheIsCallers => _heap.MainThreadCache is { } main && main == HphaThreadCaches.Find(_heap);

    /// <summary>The stack slot the calling thread's cache holds in the table, or -1 (for tests).</summary>
    internal int CallersStackSlot => _heap.StackSlots.SlotHeldBy(HphaThreadCaches.Find(_heap));

    /// <summary>
    /// Whether the cache a call from here would use is another thread's, found by stack address (an exited thread whose
    /// stack the caller reuses; see <see cref="StackBoundCache"/>) (for tests).
    /// </summary>
    internal bool EntersAnotherThreadsCache
    {
        get
        {
            HphaThreadCache entered = HphaThreadCaches.Enter(_heap);
            entered.Leave();
            return entered != HphaThreadCaches.Find(_heap);
        }
    }

    /// <summary>Whether the calling thread's cache is marked as entered by address (for tests: no call leaves it so).</summary>
    internal bool CallersCacheIsBusy => HphaThreadCaches.Find(_heap)?.IsBusy ?? false;

    /// <summary>Blocks in the calling thread's cache of this heap, 0 when it has none (for tests).</summary>
    internal int CallingThreadCachedBlocks => HphaThreadCaches.Find(_heap)?.CachedBlocks ?? 0;
}
