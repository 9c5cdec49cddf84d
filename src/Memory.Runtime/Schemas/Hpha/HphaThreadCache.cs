using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Memory.Internal;

namespace Memory.Schemas.Hpha;

/// <summary>
/// One thread's free small blocks of one <see cref="HphaHeap"/>: a short list per bucket, used without locks by its
/// thread, refilled from and flushed to the <see cref="SmallBlockBuckets"/> half a list at a time, under one lock.
/// </summary>
/// <remarks>
/// <para>
/// HPHA's blocks belong to pages and pages to buckets, never to threads, so a block freed by a thread that did not
/// allocate it simply joins the freeing thread's cache, and no thread ever takes another's lock to free. A refill prefers
/// pages the cache has drawn from before (see <see cref="SmallBlockBuckets"/>), so two threads' blocks seldom share a
/// cache line. A block in
/// a cache keeps the link in its first word and the heap's cache key in its second (see
/// <see cref="Diagnostics.FreedBlockKey.HasKey"/>), so freeing it again, into any thread's cache, is caught; a block
/// that is free in its bucket is caught by the bucket's own key before it could enter a cache.
/// </para>
/// <para>
/// A list starts at a quarter of its bound and doubles its bound on each trip to the bucket or the tree (a refill of an
/// empty list, a free into a full one), up to <see cref="HphaOptions.ThreadCacheBytesPerSize"/>: the sizes a thread
/// keeps cycling through get long lists and batches, so it seldom takes a lock, while sizes it uses now and then hold
/// little. Returning the whole cache (garbage collection, a stale cache, the thread's exit) takes every list back to
/// its starting bound.
/// </para>
/// <para>
/// Cached blocks count as allocated in their buckets and are subtracted by the heap (<see cref="CachedBytes"/>), so
/// the heap's live bytes stay exact whenever the threads are quiet. Only the owning thread touches the lists, except
/// after it has exited: then a thread that starts on its stack may go on with the cache in its place, until
/// <see cref="HphaThreadCaches"/> hands the cache back to the heap (see <see cref="Internal.StackBoundCache"/>); other threads only set
/// flags (<see cref="MarkStale"/>, <see cref="SetCounting"/>, <see cref="RequestPeakReset"/>), which the owner acts on
/// at its next call.
/// </para>
/// <para>
/// The cache is also its thread's share of the heap's counts (<see cref="HphaHeap.Counts"/>). A list does not keep its
/// length but how many blocks it has handed out (<c>Taken</c>), taken back (<c>Returned</c>) and been stocked with
/// from the bucket (<c>Stocked</c>): the length is their difference, and the first two are the thread's allocation and
/// free counts, kept by the same one addition each call made anyway. While the allocator counts, each call also adds
/// its bytes to the thread's unpublished total (<see cref="CountAllocated"/>), which goes to the heap's shared total
/// when it has moved by <see cref="Tracking.Counters.AllocationCounters.PublishThreshold"/>: the peak's only cost.
/// </para>
/// </remarks>
internal sealed unsafe class HphaThreadCache : StackBoundCache, IThreadCache
{
    /// <summary>The most blocks one list holds, whatever the byte bound allows: longer lists only hold memory longer.</summary>
    private const int MaxBlocksPerSize = 256;

    /// <summary>
    /// Small blocks larger than this count as this many bytes against the per-size bound, so the largest sizes keep as
    /// many blocks as 256-byte ones (64 at the default 16 KiB). A list refills or flushes about every (bound / 2)^2 calls
    /// under a random mix of frees and allocations; at 8 blocks that was every 16 calls, each a trip to the bucket's lock.
    /// </summary>
    private const int CountedSizeCeiling = 256;

    private readonly HphaHeap _heap;
    private readonly nint _key;

    // The buckets' key, copied here so the free path's double-free check reads the cache object only.
    private readonly nint _bucketKey;

    // This cache's mark on the pages it refills from (SmallBlockBuckets.TakeBlocks), never 0. Marks wrap after 65,535
    // caches: two caches sharing one only share pages again, as every cache did before pages had owners.
    private static int s_lastPageOwner;
    private readonly ushort _pageOwner = (ushort)((uint)Interlocked.Increment(ref s_lastPageOwner) % ushort.MaxValue + 1);

    // Bits of _flags, read on every call. CountingFlag: add each call's bytes to _excess. Any higher bit sends the call
    // down the slow path, which acts on it (ActOnFlags). Other threads set bits with interlocked operations; the owner
    // clears them once acted on.
    private const int CountingFlag = 1;
    private const int RestartFlag = 2;    // counting (re)starts: what _excess holds is from an earlier count
    private const int ResetPeakFlag = 4;  // the peak was lowered: publish _excess, forget its highest point
    private const int StaleFlag = 8;      // return every cached block (garbage collection from another thread)
    private const int PublishFlag = 16;   // the thread's own count passed its threshold: publish it (set by the owner)
    private int _flags;

    // While counting: bytes this thread allocated less those it freed since it last published them to the heap's total,
    // and the most that figure has been since then. Owner writes; readers read _highestExcess for the peak.
    private long _excess;
    private long _highestExcess;

    // Inline in the object rather than an array: one dependent load fewer on every call.
    private Bins _bins;

    // Tree blocks of 1025 to 1536 bytes, by class (see TreeClassSpacing), and the usable bytes they hold.
    private TreeBins _treeBins;
    private long _cachedTreeBytes;

    // A bucket's list, its counts, its bound and the block size sit together, so the fast paths read one place. The list
    // holds Stocked - Taken + Returned blocks (see Count). Limit is the bound now (0: the size is not cached), MaxLimit the
    // most it may grow to; a refill or flush moves Batch blocks. A cache line each: the fast paths find a bin by a shift
    // (a multiply for 48 bytes put three cycles on every call's critical path) and touch one line.
    [StructLayout(LayoutKind.Sequential, Size = 64)]
    private struct Bin
    {
        public nint Head;
        public long Taken;
        public long Returned;
        public long Stocked;
        public int Limit;
        public int Batch;
        public int Size;
        public int MaxLimit;
    }

    // The blocks on a list.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Count(ref Bin bin) => (int)(bin.Stocked - bin.Taken + bin.Returned);

    // The same, read from another thread: exact when the owner is quiet.
    private static long CountFromAnyThread(ref Bin bin)
        => Volatile.Read(ref bin.Stocked) - Volatile.Read(ref bin.Taken) + Volatile.Read(ref bin.Returned);

    public HphaThreadCache(HphaHeap heap)
    {
        _heap = heap;
        _key = heap.CacheKey;
        _bucketKey = heap.Small.Key;
        InitializeBins(heap.Options.ThreadCacheBytesPerSize);
    }

    /// <summary>The heap the cache draws from.</summary>
    public HphaHeap Heap => _heap;

    /// <summary>The thread the cache belongs to (it is created on that thread).</summary>
    public Thread Owner { get; } = Thread.CurrentThread;

    /// <summary>Usable bytes of the blocks in the cache (exact when its thread is quiet).</summary>
    public long CachedBytes
    {
        get
        {
            long total = 0;
            foreach (ref Bin bin in (Span<Bin>)_bins)
                total += CountFromAnyThread(ref bin) * bin.Size;
            return total + Volatile.Read(ref _cachedTreeBytes);
        }
    }

    /// <summary>Blocks in the cache now (for tests).</summary>
    public int CachedBlocks
    {
        get
        {
            int total = 0;
            foreach (ref Bin bin in (Span<Bin>)_bins)
                total += Count(ref bin);
            foreach (ref Bin bin in (Span<Bin>)_treeBins)
                total += Count(ref bin);
            return total;
        }
    }

    /// <summary>Blocks handed out through the cache, ever (any thread; exact when the owner is quiet).</summary>
    public long Allocations
    {
        get
        {
            long total = 0;
            foreach (ref Bin bin in (Span<Bin>)_bins)
                total += Volatile.Read(ref bin.Taken);
            foreach (ref Bin bin in (Span<Bin>)_treeBins)
                total += Volatile.Read(ref bin.Taken);
            return total;
        }
    }

    /// <summary>Blocks freed into the cache, ever (any thread; exact when the owner is quiet).</summary>
    public long Frees
    {
        get
        {
            long total = 0;
            foreach (ref Bin bin in (Span<Bin>)_bins)
                total += Volatile.Read(ref bin.Returned);
            foreach (ref Bin bin in (Span<Bin>)_treeBins)
                total += Volatile.Read(ref bin.Returned);
            return total;
        }
    }

    /// <summary>
    /// What a reader adds to the heap's published total for the peak: the most this thread's unpublished bytes have been
    /// since it last published them. While a reset of the peak waits for the owner, its present figure (which may be
    /// negative: the total then is the present one); while a restart does, 0.
    /// </summary>
    public long UnpublishedHighest
    {
        get
        {
            int flags = Volatile.Read(ref _flags);
            if ((flags & (CountingFlag | RestartFlag)) != CountingFlag)
                return 0;
            return (flags & ResetPeakFlag) != 0 ? Volatile.Read(ref _excess) : Volatile.Read(ref _highestExcess);
        }
    }

    /// <summary>This thread's bytes not yet in the heap's total: what its retirement adds there.</summary>
    public long UnpublishedBytes
        => (Volatile.Read(ref _flags) & (CountingFlag | RestartFlag)) == CountingFlag ? Volatile.Read(ref _excess) : 0;

    /// <summary>Asks the owner to return every cached block on its next call (garbage collection from any thread).</summary>
    public void MarkStale() => Interlocked.Or(ref _flags, StaleFlag);

    /// <summary>Starts or stops counting bytes on every call; from any thread (see <see cref="HphaHeap.CountingChanged"/>).</summary>
    public void SetCounting(bool counting)
    {
        if (counting)
            Interlocked.Or(ref _flags, CountingFlag | RestartFlag);
        else
            Interlocked.And(ref _flags, ~CountingFlag);
    }

    /// <summary>Asks the owner to publish what it has counted and forget its highest point (the peak was lowered).</summary>
    public void RequestPeakReset() => Interlocked.Or(ref _flags, ResetPeakFlag);

    /// <summary>Adds an allocation of <paramref name="usable"/> bytes to the thread's count, while counting. Owner only.</summary>
    public void CountAllocated(nint usable)
    {
        if (AddAllocated(usable))
            Publish();
    }

    /// <summary>Takes a free of <paramref name="usable"/> bytes off the thread's count, while counting. Owner only.</summary>
    public void CountFreed(nint usable)
    {
        if (AddFreed(usable))
            Publish();
    }

    // The small blocks' fast paths count with no call, not even a rare one: inlined into the allocate-and-free pair, a
    // call would make the JIT keep the pair's values (the block, the bucket) on the stack in every mode, stored and
    // reloaded on each call. A count past its threshold is published by the next call's slow path (PublishFlag), so a
    // thread's unpublished figure may pass the threshold by one small block until its next call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountSmallAllocated(nint usable)
    {
        if (AddAllocated(usable))
            Interlocked.Or(ref _flags, PublishFlag);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountSmallFreed(nint usable)
    {
        if (AddFreed(usable))
            Interlocked.Or(ref _flags, PublishFlag);
    }

    // Adds to the thread's unpublished bytes; true when they should be published now.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool AddAllocated(nint usable)
    {
        long excess = _excess + usable;
        _excess = excess;
        if (excess <= _highestExcess)
            return false;
        Volatile.Write(ref _highestExcess, excess);
        return excess > Tracking.Counters.AllocationCounters.PublishThreshold;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool AddFreed(nint usable)
    {
        long excess = _excess - usable;
        _excess = excess;
        return excess < -Tracking.Counters.AllocationCounters.PublishThreshold;
    }

    /// <summary>Counts a block the heap allocated (a positive size) or freed (negative) outside the lists, if counting. Owner only.</summary>
    public void CountOther(nint usable)
    {
        if ((Volatile.Read(ref _flags) & CountingFlag) == 0)
            return;
        ActOnCountingFlags();
        if (usable >= 0)
            CountAllocated(usable);
        else
            CountFreed(-usable);
    }

    // Hands the unpublished bytes and their highest point to the heap. The highest point is cleared first: a reader in
    // between then sees too little rather than counting the bytes twice.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Publish()
    {
        long excess = _excess;
        long highest = _highestExcess;
        Volatile.Write(ref _highestExcess, 0);
        _excess = 0;
        _heap.PublishCounted(excess, highest);
    }

    // The slow paths' first step: whatever other threads asked for since the last call.
    private void ActOnFlags()
    {
        ActOnCountingFlags();
        if ((Volatile.Read(ref _flags) & StaleFlag) != 0)
            FlushAll();
    }

    private void ActOnCountingFlags()
    {
        int flags = Volatile.Read(ref _flags);
        if ((flags & PublishFlag) != 0)
        {
            // Cleared first, then acted on below: a restart or a peak reset asked for since is handled after it.
            Interlocked.And(ref _flags, ~PublishFlag);
            if ((flags & (RestartFlag | ResetPeakFlag)) == 0)
                Publish();
        }
        if ((flags & RestartFlag) != 0)
        {
            _excess = 0;
            Volatile.Write(ref _highestExcess, 0);
            Interlocked.And(ref _flags, ~RestartFlag);
        }
        else if ((flags & ResetPeakFlag) != 0)
        {
            // The highest point is from before the reset: only the bytes go to the total, and the peak stays lowered.
            long excess = _excess;
            Volatile.Write(ref _highestExcess, 0);
            _excess = 0;
            if ((flags & CountingFlag) != 0)
                _heap.PublishCounted(excess, highest: long.MinValue);
            Interlocked.And(ref _flags, ~ResetPeakFlag);
        }
    }
    /// <summary>A block of bucket <paramref name="index"/>; 0 when the heap has no memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public nint Allocate(int index)
    {
        ref Bin bin = ref BinAt(index);
        nint block = bin.Head;
        int flags = Volatile.Read(ref _flags);
        if (block == 0 || flags > CountingFlag)
            return AllocateSlow(index);
        bin.Head = *(nint*)block;
        ((nint*)block)[1] = 0;  // no longer cached: its next free must not look like a double free
        bin.Taken++;
        if (flags != 0)
            CountSmallAllocated(bin.Size);
        return block;
    }

    /// <summary>
    /// Frees a small block of bucket <paramref name="index"/>; false, changing nothing, when it is free already (in a
    /// cache: its second word holds the cache key; in its bucket: its first word decodes to a link of its page).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Free(nint block, int index)
    {
        // One load, of the second word: the cache's key there is a block in some thread's cache, the bucket's key a block
        // that may be free in its bucket (confirmed on the page's list). Not the first word, which the program may have
        // written just before the free (see FreedBlockKey).
        if (Diagnostics.FreedBlockKey.Enabled)
        {
            nint checkWord = ((nint*)block)[1];
            if (checkWord == _key)
                return false;
            // Out of line and last: a call in the middle of this inlined path would make the JIT keep the pair's values
            // on the stack at every call (see CountAllocated).
            if (checkWord == _bucketKey)
                return FreeUnlessOnPageList(block, index);
        }
        return FreeChecked(block, index);
    }

    // A block whose second word is the buckets' key may be free in its bucket already (confirmed on its page's list,
    // under the bucket's lock), or a live block whose second word the program happened to leave so.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool FreeUnlessOnPageList(nint block, int index)
        => !_heap.Small.IsFree(block) && FreeChecked(block, index);

    // The free itself, once the block is known not to be free already.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool FreeChecked(nint block, int index)
    {
        ref Bin bin = ref BinAt(index);
        int flags = Volatile.Read(ref _flags);
        if (Count(ref bin) >= bin.Limit || flags > CountingFlag)
            return FreeSlow(block, index);
        *(nint*)block = bin.Head;
        ((nint*)block)[1] = _key;
        bin.Head = block;
        bin.Returned++;
        if (flags != 0)
            CountSmallFreed(bin.Size);
        return true;
    }

    /// <inheritdoc />
    public bool TryDetach() => TryDetach(ref _heap.StackSlots);

    /// <inheritdoc />
    public int HeapId => _heap.Id;

    /// <inheritdoc />
    public bool HeapIsRetired => _heap.IsRetired;

    /// <inheritdoc />
    public void ReturnToRetiredHeap() => _heap.ReturnFromOwner(this);

    /// <summary>Returns every cached block to its bucket.</summary>
    public void FlushAll()
    {
        // Cleared first: a request that comes while the lists drain is kept for the next call rather than lost.
        Interlocked.And(ref _flags, ~StaleFlag);
        for (int index = 0; index < SmallBlockBuckets.Count; index++)
        {
            ref Bin bin = ref _bins[index];
            if (Count(ref bin) > 0)
                Flush(ref bin, index, Count(ref bin), mayHold: false);
            SetLimit(ref bin, StartingLimit(bin.MaxLimit));
        }
        for (int treeClass = 0; treeClass < TreeClasses; treeClass++)
        {
            ref Bin bin = ref _treeBins[treeClass];
            if (Count(ref bin) > 0)
                FlushTree(ref bin, Count(ref bin));
            SetLimit(ref bin, StartingLimit(bin.MaxLimit));
        }
    }

    /// <summary>The number of tree-block classes: <see cref="TreeClassSpacing"/> bytes apart, from 1025 to 1536 bytes.</summary>
    public const int TreeClasses = 8;

    /// <summary>
    /// The distance between tree classes. Coarse on purpose: a request takes up to 63 bytes more than it asked
    /// (6% of a 1025-byte request at worst, 2.5% on average over the range), and in exchange each class's list is four times the per-size bound long, in as
    /// many bytes as 32 classes of 16 bytes would hold. A list that long goes to the tree's lock rarely even under a
    /// random mix of sizes, where a list of four or five blocks went there every few calls.
    /// </summary>
    public const int TreeClassSpacing = 64;

    /// <summary>The smallest request a tree class serves is above this.</summary>
    public const int TreeClassBase = SmallBlockBuckets.MaxSize;

    /// <summary>The largest request the tree classes serve.</summary>
    public const int MaxTreeRequest = TreeClassBase + TreeClassSpacing * TreeClasses;

    // log2(TreeClassSpacing), for the class of a size.
    private const int TreeClassShift = 6;

    /// <summary>
    /// A tree block for a request of 1025 to <see cref="MaxTreeRequest"/> bytes at the tree's own alignment; 0 when the
    /// heap has no memory. A miss asks the tree for the class's largest size, so the block serves its whole class later.
    /// </summary>
    public nint AllocateTree(nint size)
    {
        int treeClass = (int)(size - TreeClassBase - 1) >> TreeClassShift;
        ref Bin bin = ref _treeBins[treeClass];
        nint block = bin.Head;
        int flags = Volatile.Read(ref _flags);
        if (block == 0 || flags > CountingFlag)
            return AllocateTreeSlow(treeClass);
        bin.Head = *(nint*)block;
        ((nint*)block)[1] = 0;
        bin.Taken++;
        nint usable = TreeHeap.BlockSize(block);
        Volatile.Write(ref _cachedTreeBytes, _cachedTreeBytes - usable);
        if (flags != 0)
            CountAllocated(usable);
        return block;
    }

    /// <summary>
    /// Frees a tree block of <paramref name="usable"/> bytes into the cache when its size has a class, else to the tree;
    /// false, changing nothing, when it is free already (in a cache, or in the tree).
    /// </summary>
    public bool FreeTree(nint block, nint usable)
    {
        // With the check off (MEMORY_DOUBLE_FREE_CHECK=0) only the boundary tag is read, which the tree needs anyway.
        if ((Diagnostics.FreedBlockKey.Enabled && Diagnostics.FreedBlockKey.HasKey(block, _key)) || _heap.Tree.IsFree(block))
            return false;
        // A class holds blocks that serve every request of the class: usable bytes at least its largest request.
        nint treeClass = (usable - TreeClassBase - TreeClassSpacing) >> TreeClassShift;
        int flags = Volatile.Read(ref _flags);
        if ((nuint)treeClass >= TreeClasses || flags > CountingFlag)
            return FreeTreeSlow(block, treeClass);
        ref Bin bin = ref _treeBins[(int)treeClass];
        if (bin.Limit == 0)
            return FreeToTree(block, usable);
        *(nint*)block = bin.Head;
        ((nint*)block)[1] = _key;
        bin.Head = block;
        bin.Returned++;
        Volatile.Write(ref _cachedTreeBytes, _cachedTreeBytes + usable);
        if (flags != 0)
            CountFreed(usable);
        if (Count(ref bin) > bin.Limit)
        {
            Grow(ref bin);
            if (Count(ref bin) > bin.Limit)
                FlushTree(ref bin, bin.Batch);
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private nint AllocateTreeSlow(int treeClass)
    {
        ActOnFlags();
        ref Bin bin = ref _treeBins[treeClass];
        if (bin.Head != 0)
            return AllocateTree(TreeClassBase + TreeClassSpacing * (treeClass + 1));  // only the flags sent it here
        nint classSize = TreeClassBase + TreeClassSpacing * (treeClass + 1);
        if (bin.Limit == 0)
        {
            nint single = _heap.Tree.Allocate(classSize, 0);
            if (single != 0 && (Volatile.Read(ref _flags) & CountingFlag) != 0)
                CountAllocated(TreeHeap.BlockSize(single));
            return single;
        }

        // Half a list under one lock: the first block goes to the caller, the rest wait in the cache.
        int taken = _heap.Tree.AllocateMany(classSize, bin.Batch, out nint first);
        if (taken == 0)
            return 0;
        nint rest = *(nint*)first;
        nint bytes = 0;
        for (nint block = rest; block != 0; block = *(nint*)block)
        {
            ((nint*)block)[1] = _key;
            bytes += TreeHeap.BlockSize(block);
        }
        bin.Head = rest;
        bin.Stocked += taken;
        bin.Taken++;
        Volatile.Write(ref _cachedTreeBytes, _cachedTreeBytes + bytes);
        if ((Volatile.Read(ref _flags) & CountingFlag) != 0)
            CountAllocated(TreeHeap.BlockSize(first));
        Grow(ref bin);
        return first;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool FreeTreeSlow(nint block, nint treeClass)
    {
        ActOnFlags();
        nint usable = TreeHeap.BlockSize(block);
        if ((nuint)treeClass < TreeClasses)
            return FreeTree(block, usable);
        return FreeToTree(block, usable);
    }

    // A tree block that no list takes goes to the tree (which refuses it, returning false, when it is free already).
    private bool FreeToTree(nint block, nint usable)
    {
        if (!_heap.Tree.Free(block))
            return false;
        if ((Volatile.Read(ref _flags) & CountingFlag) != 0)
            CountFreed(usable);
        return true;
    }

    // Detaches the first count blocks of a tree list and gives them to the tree under one lock.
    private void FlushTree(ref Bin bin, int count)
    {
        nint first = bin.Head;
        nint last = first;
        nint bytes = 0;
        for (int i = 0; ; i++)
        {
            ((nint*)last)[1] = 0;  // the tree checks its own key there
            bytes += TreeHeap.BlockSize(last);
            if (i == count - 1)
                break;
            last = *(nint*)last;
        }
        bin.Head = *(nint*)last;
        bin.Stocked -= count;
        Volatile.Write(ref _cachedTreeBytes, _cachedTreeBytes - bytes);
        _heap.Tree.FreeMany(first, count);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private nint AllocateSlow(int index)
    {
        ActOnFlags();
        ref Bin bin = ref BinAt(index);
        if (bin.Head != 0)
            return Allocate(index);  // only the flags sent it here
        bool counting = (Volatile.Read(ref _flags) & CountingFlag) != 0;
        if (bin.Limit == 0)
        {
            nint single = _heap.Small.Allocate(index, ref _heap.Tree);
            if (single != 0 && counting)
                CountAllocated(bin.Size);
            return single;
        }

        int taken = _heap.Small.TakeBlocks(index, bin.Batch, _key, _pageOwner, ref _heap.Tree, out nint head);
        if (taken == 0)
            return 0;
        bin.Head = *(nint*)head;
        bin.Stocked += taken;
        bin.Taken++;
        ((nint*)head)[1] = 0;
        if (counting)
            CountAllocated(bin.Size);
        Grow(ref bin);
        return head;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool FreeSlow(nint block, int index)
    {
        ActOnFlags();
        ref Bin bin = ref BinAt(index);
        bool counting = (Volatile.Read(ref _flags) & CountingFlag) != 0;
        if (bin.Limit == 0)
        {
            if (!_heap.Small.Free(block, ref _heap.Tree))
                return false;
            if (counting)
                CountFreed(bin.Size);
            return true;
        }

        *(nint*)block = bin.Head;
        ((nint*)block)[1] = _key;
        bin.Head = block;
        bin.Returned++;
        if (counting)
            CountFreed(bin.Size);
        if (Count(ref bin) > bin.Limit)
        {
            Grow(ref bin);
            if (Count(ref bin) > bin.Limit)
                Flush(ref bin, index, bin.Batch, mayHold: true);
        }
        return true;
    }

    // The index is a bucket index the schema computed (0 to SmallBlockBuckets.Count - 1).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Bin BinAt(int index) => ref Unsafe.Add(ref Unsafe.As<Bins, Bin>(ref _bins), index);

    // Detaches the first count blocks of a list and gives them to the bucket: whole, for another cache's next refill,
    // when mayHold and the bucket has room (a flush of a full list); else back to their pages (returning the cache).
    private void Flush(ref Bin bin, int index, int count, bool mayHold)
    {
        nint first = bin.Head;
        nint last = first;
        for (int i = 1; i < count; i++)
            last = *(nint*)last;
        bin.Head = *(nint*)last;
        *(nint*)last = 0; // a held batch becomes a refilling cache's whole list
        bin.Stocked -= count;
        _heap.Small.ReturnBlocks(index, first, count, mayHold, ref _heap.Tree);
    }

    // A list's trip to the bucket or the tree: its bound doubles, up to its most (see the remarks).
    private static void Grow(ref Bin bin)
    {
        if (bin.Limit < bin.MaxLimit)
            SetLimit(ref bin, Math.Min(bin.Limit * 2, bin.MaxLimit));
    }

    // Batches move half a list.
    private static void SetLimit(ref Bin bin, int limit)
    {
        bin.Limit = limit;
        bin.Batch = Math.Max(1, limit / 2);
    }

    private static int StartingLimit(int maxLimit) => maxLimit == 0 ? 0 : Math.Max(1, maxLimit / 4);

    // Most blocks per size from the option (sizes above CountedSizeCeiling counted as that), at most MaxBlocksPerSize;
    // lists start at a quarter of it. 8-byte blocks have no second word for the key, so bucket 0 is never cached; nor is
    // a size larger than the bound.
    private void InitializeBins(int bytesPerSize)
    {
        for (int treeClass = 0; treeClass < TreeClasses; treeClass++)
        {
            // A class spans four 16-byte sizes, so it has their four bounds (see TreeClassSpacing).
            int classBytes = bytesPerSize * (TreeClassSpacing / BoundaryTag.Granularity);
            int maxLimit = Math.Min(classBytes / (TreeClassBase + TreeClassSpacing * (treeClass + 1)), MaxBlocksPerSize);
            _treeBins[treeClass].MaxLimit = maxLimit;
            SetLimit(ref _treeBins[treeClass], StartingLimit(maxLimit));
        }
        for (int index = 1; index < SmallBlockBuckets.Count; index++)
        {
            int size = SmallBlockBuckets.SizeOf(index);
            int maxLimit = Math.Min(bytesPerSize / Math.Min(size, CountedSizeCeiling), MaxBlocksPerSize);
            _bins[index].Size = size;
            _bins[index].MaxLimit = maxLimit;
            SetLimit(ref _bins[index], StartingLimit(maxLimit));
        }
    }

    [InlineArray(SmallBlockBuckets.Count)]
    private struct Bins
    {
        private Bin _element0;
    }

    [InlineArray(TreeClasses)]
    private struct TreeBins
    {
        private Bin _element0;
    }
}
