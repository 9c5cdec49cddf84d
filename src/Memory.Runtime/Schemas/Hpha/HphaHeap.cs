using System.Numerics;
using System.Runtime.CompilerServices;
using Memory.Internal;

namespace Memory.Schemas.Hpha;

/// <summary>
/// The shared state behind an <see cref="HphaSchema"/> and the routing between its three parts: small-block
/// buckets, the tree heap and big blocks. One object, so the parts sit together and the schema struct that
/// refers to it can be copied freely.
/// </summary>
internal sealed unsafe class HphaHeap
{
    // Fields rather than properties: the parts are structs whose methods must run on the stored instance.
    public SmallBlockBuckets Small;
    public TreeHeap Tree;
    public BigBlocks Big;

    public readonly nint PageSize;
    public readonly int PageShift;
    public readonly nint ChunkSize;

    /// <summary>Clears the offset within a chunk or big-block region: <c>~(ChunkSize - 1)</c>.</summary>
    public readonly nint RegionMask;

    public readonly nint BigBlockThreshold;

    /// <summary>Size plus alignment above which a request cannot go to the tree heap.</summary>
    public readonly nint TreeLimit;

    public readonly HphaOptions Options;

    /// <summary>The allocator the heap belongs to, named in the misuse it reports.</summary>
    public string? OwnerName;

    /// <summary>Whether small blocks go through thread caches (<see cref="HphaOptions.ThreadCacheBytesPerSize"/> above 0).</summary>
    public readonly bool CachesEnabled;

    /// <summary>A small number unique to this heap, indexing the per-thread cache tables; never reused.</summary>
    public readonly int Id;

    /// <summary>Written into the second word of every block in a thread cache (see <see cref="Diagnostics.FreedBlockKey.HasKey"/>).</summary>
    public readonly nint CacheKey;

    private static int s_lastId = -1;

    // The live threads' caches, so their cached bytes are subtracted from the live ones and garbage collection reaches them.
    private readonly ThreadCacheRegistry<HphaThreadCache> _caches;
    private volatile bool _retired;

    /// <summary>
    /// The main thread's cache, once it has one: found by <see cref="HphaThreadCaches.Enter"/> from the stack address
    /// alone (see <see cref="MainThreadStack"/>). Written and read by the main thread only.
    /// </summary>
    public HphaThreadCache? MainThreadCache { get; private set; }

    /// <summary>Other threads' caches, found from their stack pages (see <see cref="StackBoundCache"/>).</summary>
    public StackCacheSlots StackSlots;

    // The counts (see Counts). Turning counting on or off and registering a cache take _countingGate, so every cache
    // starts with the setting of its time. _countedTotal is the live bytes when counting started plus what the threads
    // have published since; _peak the highest total observed. Retired caches leave their block counts here.
    private readonly object _countingGate = new();
    private volatile bool _counting;
    private long _countedTotal;
    private long _peak;
    private long _retiredAllocations;
    private long _retiredFrees;

    public HphaHeap(HphaOptions options)
    {
        Options = options;
        PageSize = options.PageSize;
        PageShift = BitOperations.Log2((uint)options.PageSize);
        ChunkSize = options.ChunkSize;
        RegionMask = ~(ChunkSize - 1);
        BigBlockThreshold = options.BigBlockThreshold;
        TreeLimit = TreeHeap.Capacity(ChunkSize);
        Small = new SmallBlockBuckets(PageSize, options.EmptyPagesKeptPerBucket);
        Tree = new TreeHeap(ChunkSize, PageSize, options.EmptyChunkRetention);
        Big = new BigBlocks(ChunkSize, options.BigBlockCacheSize);
        CachesEnabled = options.ThreadCacheBytesPerSize > 0;
        Id = Interlocked.Increment(ref s_lastId);
        CacheKey = Diagnostics.FreedBlockKey.New();
        _caches = new(retired: FoldRetired);
        _readAllocatedBytes = ReadAllocatedBytes;
        _readCounts = ReadCounts;
    }

    // The readers above as delegates made once, so a read allocates nothing.
    private readonly Func<long> _readAllocatedBytes;
    private readonly Func<SchemaCounts> _readCounts;

    /// <summary>Usable bytes of the live blocks: handed out by the three parts, less what sits in thread caches.</summary>
    public long AllocatedBytes => CachesEnabled ? _caches.Read(_readAllocatedBytes) : ReadAllocatedBytes();

    private long ReadAllocatedBytes() => Small.AllocatedBytes - CachedBytes + Tree.AllocatedBytes + Big.AllocatedBytes;

    /// <summary>Usable bytes of the blocks in thread caches (exact when the threads are quiet).</summary>
    public long CachedBytes => CachesEnabled ? _caches.Sum(static cache => cache.CachedBytes) : 0;

    /// <summary>How many live threads have a cache of this heap (for tests).</summary>
    public int ThreadCacheCount => _caches.Count;

    /// <summary>Adds a new thread's cache, first taking back those of threads that have exited (see <see cref="ThreadCacheRegistry{TCache}"/>).</summary>
    public void Register(HphaThreadCache cache)
    {
        lock (_countingGate)
        {
            if (_counting)
                cache.SetCounting(true);
            _caches.Register(cache);
            if (MainThreadStack.IsCurrent())
                MainThreadCache = cache;
        }
    }

    /// <summary>
    /// The heap's counts: live bytes exact (as <see cref="AllocatedBytes"/>), block counts exact when the threads are quiet,
    /// and the peak of the live bytes while the allocator counted.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Blocks are counted where each path does its bookkeeping anyway: the thread caches' lists count what they hand out
    /// and take back, and the buckets, the tree and the big blocks count what they serve directly, under their locks.
    /// </para>
    /// <para>
    /// The peak is the one figure that costs something per call, so it is kept only while counting (see
    /// <see cref="CountingChanged"/>). Each thread adds the bytes it allocates and frees to a total of its own, and adds
    /// that to the heap's shared total when it has moved by <see cref="Tracking.Counters.AllocationCounters.PublishThreshold"/>
    /// bytes, with the highest point it reached since: the peak is raised to the shared total at that point. A read adds
    /// every thread's unpublished highest point to the shared total. With one thread counting, the peak is exact; with
    /// several, each may put it above the true one by the bytes it has not published (under 64 KiB), as the allocator's
    /// own striped counters do.
    /// </para>
    /// </remarks>
    public SchemaCounts Counts => _caches.Read(_readCounts);

    private SchemaCounts ReadCounts()
    {
        long bytes = ReadAllocatedBytes();
        long allocations = Volatile.Read(ref _retiredAllocations) + Small.DirectAllocations + Tree.Allocations + Big.Allocations
            + _caches.Sum(static cache => cache.Allocations);
        long frees = Volatile.Read(ref _retiredFrees) + Small.DirectFrees + Tree.Frees + Big.Frees
            + _caches.Sum(static cache => cache.Frees);
        if (_counting)
        {
            long unpublished = _caches.Sum(static cache => cache.UnpublishedHighest);
            InterlockedMax.Raise(ref _peak, Math.Max(bytes, Volatile.Read(ref _countedTotal) + unpublished));
        }
        return new SchemaCounts(bytes, allocations, frees, Volatile.Read(ref _peak));
    }

    /// <summary>Starts or stops the peak's counting (the allocator's tracking mode crossed <see cref="Tracking.TrackingMode.Counters"/>).</summary>
    public void CountingChanged(bool counting)
    {
        lock (_countingGate)
        {
            if (counting && !_counting)
            {
                long now = AllocatedBytes;
                Volatile.Write(ref _countedTotal, now);
                Volatile.Write(ref _peak, now);
            }
            _counting = counting;
            _caches.ForEach(cache => cache.SetCounting(counting));
        }
    }

    /// <summary>Lowers the peak to the live bytes now; each thread forgets its highest point at its next call.</summary>
    public void ResetPeak()
    {
        lock (_countingGate)
        {
            Volatile.Write(ref _peak, AllocatedBytes);
            _caches.ForEach(static cache => cache.RequestPeakReset());
        }
    }

    /// <summary>
    /// A thread's bytes counted since it last published, and the highest point they reached (<see cref="long.MinValue"/>
    /// for none that counts, after a reset of the peak): into the shared total, and the peak raised to that point.
    /// </summary>
    public void PublishCounted(long bytes, long highest)
    {
        long before = Interlocked.Add(ref _countedTotal, bytes) - bytes;
        if (highest != long.MinValue)
            InterlockedMax.Raise(ref _peak, before + highest);
    }

    /// <summary>
    /// Counts a block served outside the thread caches' lists (a positive usable size for an allocation, negative for a
    /// free) into the calling thread's share, while counting.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountOther(nint usable)
    {
        if (_counting)
            CountOtherOnThread(usable);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CountOtherOnThread(nint usable)
    {
        HphaThreadCache cache = HphaThreadCaches.Enter(this);
        cache.CountOther(usable);
        cache.Leave();
    }

    // Under the registry's lock, once the retired cache's blocks are back: its counts and its unpublished bytes stay.
    private void FoldRetired(HphaThreadCache cache)
    {
        Interlocked.Add(ref _retiredAllocations, cache.Allocations);
        Interlocked.Add(ref _retiredFrees, cache.Frees);
        long highest = cache.UnpublishedHighest;
        long bytes = cache.UnpublishedBytes;
        if (highest != 0 || bytes != 0)
            PublishCounted(bytes, highest);
    }

    /// <summary>
    /// Takes back the cache of a thread that has exited: its blocks go back to their buckets. Called by the finalizer
    /// of the thread's table, by a later thread's registration or by garbage collection, whichever comes first.
    /// </summary>
    public void Retire(HphaThreadCache cache) => _caches.Retire(cache);

    /// <summary>Whether the allocator is disposed (see <see cref="ThreadCacheList{TCache}"/>).</summary>
    public bool IsRetired => _retired;

    /// <summary>Marks the heap retired: its allocator is disposed, and no thread allocates from it any more.</summary>
    public void MarkRetired() => _retired = true;

    /// <summary>
    /// Takes back a retired heap's cache from its living owner, which drops it, and releases what that leaves empty: the
    /// heap asks no thread to flush any more, so this is how a long-lived thread's cached blocks come back.
    /// </summary>
    public void ReturnFromOwner(HphaThreadCache cache)
    {
        _caches.Retire(cache);
        if (MainThreadCache == cache)
            MainThreadCache = null;
        GarbageCollect();
    }

    /// <summary>A block for small bucket <paramref name="index"/>, through the calling thread's cache when there are caches.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public nint AllocateSmall(int index)
    {
        if (!CachesEnabled)
            return AllocateSmallUncached(index);
        nuint page = StackBoundCache.CurrentPage();
        if (HphaThreadCaches.TryEnterByAddress(this, page) is not { } cache)
            return AllocateSmallByThreadStatic(index, page);
        nint block = cache.Allocate(CachedBucket(index));
        cache.Leave();
        return block;
    }

    // AllocateSmall for a call that did not find its cache by address (see HphaThreadCaches.TryEnterByAddress).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private nint AllocateSmallByThreadStatic(int index, nuint page)
    {
        HphaThreadCache cache = HphaThreadCaches.ForThisThread(this, page);
        nint block = cache.Allocate(CachedBucket(index));
        cache.Leave();
        return block;
    }

    /// <summary>
    /// The bucket that serves requests of bucket <paramref name="index"/>: itself without caches (O3DE's buckets 8 bytes
    /// apart); with caches, the bucket of the request's size class (see <see cref="CachedBucket"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ServingBucket(int index) => CachesEnabled ? CachedBucket(index) : index;

    /// <summary>
    /// The bucket a cached request of bucket <paramref name="index"/> takes: that of the smallest size class holding it,
    /// the classes being 16 to 128 bytes 16 apart, then four per doubling up to 1 KiB (160, 192, 224, 256, 320, ... 1024):
    /// 20 sizes in use rather than 128.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Why classes: every size in use holds pages and a thread-cache list of its own. Under a random mix of sizes (larson:
    /// 5,000 live blocks of 8 B to 1 KiB) 128 sizes leave a few dozen blocks each, spread over partly used pages, and
    /// lists that refill and flush every few calls; 20 sizes hold six times as many blocks each in as many bytes. A
    /// request takes up to a quarter more than it asked (129 B takes 160 B), about a tenth on average; glibc and
    /// mimalloc round the same way above 128 bytes.
    /// </para>
    /// <para>
    /// 16 bytes is the least: a cached block keeps a check word in its second 8 bytes (the double-free check), which
    /// an 8-byte block does not have. Left uncached, the smallest requests, half of some workloads' (glibc-thread's
    /// sizes fall off as the inverse square), would each take the bucket's lock; glibc's smallest chunk holds 24 bytes
    /// for the same reason. Aligned small requests keep their alignment: every class is a multiple of a quarter of the
    /// power of two at or below it, and a request rounded up to a larger power-of-two alignment is a class itself.
    /// </para>
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int CachedBucket(int index) => CachedBuckets[index];

    // CachedBucket's table, one entry per bucket: the index of the bucket of the class's size (size / 8 - 1).
    private static ReadOnlySpan<byte> CachedBuckets =>
    [
        1, 1, 3, 3, 5, 5, 7, 7, 9, 9, 11, 11, 13, 13, 15, 15,
        19, 19, 19, 19, 23, 23, 23, 23, 27, 27, 27, 27, 31, 31, 31, 31,
        39, 39, 39, 39, 39, 39, 39, 39, 47, 47, 47, 47, 47, 47, 47, 47,
        55, 55, 55, 55, 55, 55, 55, 55, 63, 63, 63, 63, 63, 63, 63, 63,
        79, 79, 79, 79, 79, 79, 79, 79, 79, 79, 79, 79, 79, 79, 79, 79,
        95, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95,
        111, 111, 111, 111, 111, 111, 111, 111, 111, 111, 111, 111, 111, 111, 111, 111,
        127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127,
    ];

    // Out of line, so the bucket's locked path does not crowd the cached one where callers inline it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private nint AllocateSmallUncached(int index)
    {
        nint block = Small.Allocate(index, ref Tree);
        if (block != 0)
            CountOther(SmallBlockBuckets.SizeOf(index));
        return block;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool FreeSmallUncached(nint pointer)
    {
        int bucket = SmallBucketOf(RegionOf(pointer), pointer);
        if (!Small.Free(pointer, ref Tree))
            return false;
        CountOther(-SmallBlockBuckets.SizeOf(bucket));
        return true;
    }

    /// <summary>
    /// Frees a small block of bucket <paramref name="index"/> (from <see cref="SmallBucketOf"/>), into the calling
    /// thread's cache when there are caches; throws on a double free.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void FreeSmall(nint pointer, int index)
    {
        // 8-byte blocks have no second word for the cache key: they exist only while caches are off (see ServingBucket).
        bool freed;
        if (CachesEnabled && index != 0)
        {
            nuint page = StackBoundCache.CurrentPage();
            if (HphaThreadCaches.TryEnterByAddress(this, page) is { } cache)
            {
                freed = cache.Free(pointer, index);
                cache.Leave();
            }
            else
            {
                freed = FreeSmallByThreadStatic(pointer, index, page);
            }
        }
        else
        {
            freed = FreeSmallUncached(pointer);
        }
        if (!freed)
            Diagnostics.FreedBlockKey.ThrowDoubleFree(OwnerName, pointer);
    }

    // FreeSmall for a call that did not find its cache by address (see HphaThreadCaches.TryEnterByAddress).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool FreeSmallByThreadStatic(nint pointer, int index, nuint page)
    {
        HphaThreadCache cache = HphaThreadCaches.ForThisThread(this, page);
        bool freed = cache.Free(pointer, index);
        cache.Leave();
        return freed;
    }

    /// <summary>Whether a small block of bucket <paramref name="index"/> is free, in its bucket or in any thread's cache.</summary>
    private bool IsSmallFree(nint pointer, int index)
        => (CachesEnabled && index != 0 && Diagnostics.FreedBlockKey.HasKey(pointer, CacheKey)) || Small.IsFree(pointer);

    /// <summary>The largest request the heap accepts: far above any real need, low enough that no size arithmetic overflows.</summary>
    public static nint MaxRequest { get; } = IntPtr.Size == 8 ? unchecked((nint)(1L << 40)) : int.MaxValue / 4;

    /// <summary>Whether the request goes to a small-block bucket, and which.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TrySmallBucket(nint size, nint alignment, out int index)
    {
        if ((nuint)size <= SmallBlockBuckets.MaxSize && (nuint)alignment <= SmallBlockBuckets.MaxSize)
        {
            // Aligned requests take the bucket of the size rounded up to the alignment: blocks of a bucket
            // whose size is a multiple of the alignment are all aligned to it (see SmallBlockBuckets).
            nint rounded = alignment <= SmallBlockBuckets.Spacing ? size : AlignmentMath.AlignUp(size == 0 ? 1 : size, alignment);
            if (rounded <= SmallBlockBuckets.MaxSize)
            {
                index = SmallBlockBuckets.IndexOf(rounded);
                return true;
            }
        }
        index = 0;
        return false;
    }

    /// <summary>Whether a request that is not small goes to the tree heap (otherwise it is a big block).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsTreeRequest(nint size, nint alignment) => size <= BigBlockThreshold && size + alignment <= TreeLimit;

    /// <summary>Everything but the common small request: aligned small blocks, tree blocks, big blocks.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public nint AllocateOther(nint size, nint alignment)
    {
        if (TrySmallBucket(size, alignment, out int index))
            return AllocateSmall(index);
        if (size > MaxRequest || alignment > MaxRequest)
            return 0;
        if (CachesEnabled && size <= HphaThreadCache.MaxTreeRequest && alignment <= BoundaryTag.Granularity)
        {
            HphaThreadCache cache = HphaThreadCaches.Enter(this);
            nint treeBlock = cache.AllocateTree(size);
            cache.Leave();
            return treeBlock;
        }
        nint block = IsTreeRequest(size, alignment) ? Tree.Allocate(size, alignment) : Big.Allocate(size, alignment, ChunkSize);
        if (block != 0 && _counting)
            CountOtherOnThread(BlockSize(block));
        return block;
    }

    /// <summary>The region header of the chunk or big block holding a pointer the heap handed out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RegionHeader* RegionOf(nint pointer) => (RegionHeader*)((pointer - 1) & RegionMask);

    /// <summary>
    /// The bucket of a pointer in <paramref name="region"/> when it is a small block, from its region's page map; -1 when
    /// it is a tree or big block. Its page's header is not read (see <see cref="RegionHeader"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int SmallBucketOf(RegionHeader* region, nint pointer)
        => region->PageEntry((pointer - (nint)region) >> PageShift) - 1;

    /// <summary>Frees a tree or big block.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void FreeOther(nint pointer, RegionHeader* region)
    {
        if (region->Kind == RegionKind.Chunk)
        {
            nint usable = TreeHeap.BlockSize(pointer);
            if (CachesEnabled)
            {
                HphaThreadCache cache = HphaThreadCaches.Enter(this);
                bool freed = cache.FreeTree(pointer, usable);
                cache.Leave();
                if (!freed)
                    Diagnostics.FreedBlockKey.ThrowDoubleFree(OwnerName, pointer);
            }
            else
            {
                if (!Tree.Free(pointer))
                    Diagnostics.FreedBlockKey.ThrowDoubleFree(OwnerName, pointer);
                CountOther(-usable);
            }
        }
        else
        {
            nint usable = BigBlocks.BlockSize(pointer, (BigBlockHeader*)region);
            Big.Free(pointer, (BigBlockHeader*)region);
            CountOther(-usable);
        }
    }

    /// <summary>The usable size of any live block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public nint BlockSize(nint pointer)
    {
        RegionHeader* region = RegionOf(pointer);
        int bucket = SmallBucketOf(region, pointer);
        if (bucket >= 0)
            return SmallBlockBuckets.SizeOf(bucket);
        return region->Kind == RegionKind.Chunk
            ? TreeHeap.BlockSize(pointer)
            : BigBlocks.BlockSize(pointer, (BigBlockHeader*)region);
    }

    /// <summary>Resizes a live block, in place when its kind and room allow, otherwise by moving it.</summary>
    public nint ReAllocate(nint pointer, nint newSize, nint newAlignment)
    {
        RegionHeader* region = RegionOf(pointer);
        bool aligned = newAlignment <= 1 || (pointer & (newAlignment - 1)) == 0;
        bool small = TrySmallBucket(newSize, newAlignment, out int index);
        int bucket = SmallBucketOf(region, pointer);

        if (bucket >= 0)
        {
            if (IsSmallFree(pointer, bucket))
                Diagnostics.FreedBlockKey.ThrowDoubleFree(OwnerName, pointer);
            // Same bucket: nothing to do. Any other size moves, so the block's size stays what the request asks.
            if (small && aligned && ServingBucket(index) == bucket)
                return pointer;
        }
        else if (region->Kind == RegionKind.Chunk)
        {
            if (Tree.IsFree(pointer) || (CachesEnabled && Diagnostics.FreedBlockKey.HasKey(pointer, CacheKey)))
                Diagnostics.FreedBlockKey.ThrowDoubleFree(OwnerName, pointer);
            nint before = TreeHeap.BlockSize(pointer);
            if (!small && aligned && newSize <= MaxRequest && IsTreeRequest(newSize, newAlignment) && Tree.TryResize(pointer, newSize))
            {
                CountOther(TreeHeap.BlockSize(pointer) - before);
                return pointer;
            }
        }
        else
        {
            // A big block shrinks in place while it stays more than half used, and grows in place into its slack.
            nint usable = BigBlocks.BlockSize(pointer, (BigBlockHeader*)region);
            if (!small && aligned && newSize <= usable && newSize > usable / 2 && !IsTreeRequest(newSize, newAlignment))
                return pointer;
        }

        return Move(pointer, newSize, newAlignment);
    }

    /// <summary>
    /// Returns the calling thread's cached blocks and asks every other thread to return its own on its next call; then
    /// returns empty pages to the tree, and wholly free chunks and kept big blocks to the OS.
    /// </summary>
    public void GarbageCollect()
    {
        if (CachesEnabled)
        {
            _caches.RetireExited();
            _caches.ForEach(static cache => cache.MarkStale());
            HphaThreadCaches.Find(this)?.FlushAll();
        }
        Big.GarbageCollect();
        Small.GarbageCollect(ref Tree);
        Tree.GarbageCollect();
    }

    private nint Move(nint pointer, nint newSize, nint newAlignment)
    {
        nint moved = TrySmallBucket(newSize, newAlignment, out int index)
            ? AllocateSmall(index)
            : AllocateOther(newSize, newAlignment);
        if (moved == 0)
            return 0;
        nint count = Math.Min(BlockSize(pointer), newSize);
        Buffer.MemoryCopy((void*)pointer, (void*)moved, newSize, count);

        RegionHeader* region = RegionOf(pointer);
        int bucket = SmallBucketOf(region, pointer);
        if (bucket >= 0)
            FreeSmall(pointer, bucket);
        else
            FreeOther(pointer, region);
        return moved;
    }
}
