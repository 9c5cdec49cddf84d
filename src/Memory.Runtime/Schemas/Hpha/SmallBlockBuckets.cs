using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Memory.Schemas.Hpha;

/// <summary>
/// The small-block half of HPHA: 128 buckets of fixed-size blocks (8, 16, ... 1024 bytes), each carved from
/// pages that the <see cref="TreeHeap"/> hands out aligned to the page size, so a block's page header is
/// found by masking its address.
/// </summary>
/// <remarks>
/// <para>
/// Each bucket has its own lock and its own list of pages that still have free blocks, so threads working on
/// different sizes never meet, and the critical section is a free-list pop or push. A page hands out blocks
/// from its free list, or carves the next one from its untouched end (pages are not written until used, so
/// a fresh page costs no memory the program does not touch). Blocks are laid out downwards from the page's
/// end, which is aligned to the page size: every block of a bucket whose size is a multiple of a power of two
/// is aligned to it, which is how aligned small requests are served without padding.
/// </para>
/// <para>
/// A thread cache's refill draws from a page its cache already draws from, or from one no cache does, and marks it as
/// its own (<see cref="SmallPage.Owner"/>): the blocks of a page, and the cache lines they share, stay with one thread,
/// which two threads writing their blocks would otherwise pass back and forth. The mark is a preference, not ownership:
/// any thread frees any block, a cache that returns everything (a thread's exit, garbage collection) clears the marks of
/// the pages it returns to, a page emptied clears its own, and a refill that finds only other caches' pages takes one
/// over rather than adding a page for every thread that ever used the bucket.
/// </para>
/// <para>
/// For the thread caches a bucket also holds up to <see cref="HeldBatchesPerBucket"/> whole batches: the blocks a
/// cache flushes, kept linked as the cache had them, for the next cache that refills to take in one step. A block
/// freed on one thread and allocated on another (a producer and a consumer) then passes through the bucket's lock
/// once per batch rather than once per block, and no page is touched on the way. Held blocks keep the caches' key
/// in their second word, so freeing one again is still a double free. They count as neither live nor cached, and
/// <see cref="GarbageCollect"/> puts them back on their pages.
/// </para>
/// <para>
/// A page whose last block is freed stays in its bucket for reuse, up to <c>emptyPagesKept</c> per bucket;
/// more go back to the tree at once, where neighbours merge and any size can reuse them.
/// <see cref="GarbageCollect"/> returns every empty page.
/// </para>
/// </remarks>
internal unsafe struct SmallBlockBuckets
{
    /// <summary>The largest small block.</summary>
    public const int MaxSize = 1024;

    /// <summary>The distance between bucket sizes, and the alignment every small block has.</summary>
    public const int Spacing = 8;

    /// <summary>The number of buckets.</summary>
    public const int Count = MaxSize / Spacing;

    /// <summary>
    /// The most flushed batches a bucket holds for the next refill. A producer and a consumer need one or two; more
    /// would only keep pages in use (a batch is at most half a cache list: 16 KiB at the default options).
    /// </summary>
    public const int HeldBatchesPerBucket = 4;

    private BucketArray _buckets;
    private readonly nint _pageSize;
    private readonly int _emptyPagesKept;

    // Free-list links are stored XOR this key, so a block freed twice is recognised (see FreedBlockKey).
    private readonly nint _key;

    public SmallBlockBuckets(nint pageSize, int emptyPagesKept)
    {
        _pageSize = pageSize;
        _emptyPagesKept = emptyPagesKept;
        _key = Diagnostics.FreedBlockKey.New();
        for (int index = 0; index < Count; index++)
        {
            ref Bucket bucket = ref BucketAt(index);
            bucket.ElementSize = SizeOf(index);
            bucket.Capacity = (int)((pageSize - sizeof(SmallPage)) / bucket.ElementSize);
        }
    }

    /// <summary>The bucket for a block of <paramref name="size"/> bytes (0 to <see cref="MaxSize"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int IndexOf(nint size)
    {
        int index = (int)((size + (Spacing - 1)) >> 3) - 1;
        return index < 0 ? 0 : index;
    }

    /// <summary>The size of the blocks of bucket <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeOf(int index) => (index + 1) * Spacing;

    /// <summary>Usable bytes of the live small blocks.</summary>
    public long AllocatedBytes
    {
        get
        {
            long total = 0;
            for (int index = 0; index < Count; index++)
                total += Volatile.Read(ref BucketAt(index).AllocatedBytes);
            return total;
        }
    }

    /// <summary>Blocks <see cref="Allocate"/> handed out, ever: those that went to no thread cache.</summary>
    public long DirectAllocations
    {
        get
        {
            long total = 0;
            for (int index = 0; index < Count; index++)
                total += Volatile.Read(ref BucketAt(index).DirectAllocations);
            return total;
        }
    }

    /// <summary>Blocks <see cref="Free"/> took back, ever.</summary>
    public long DirectFrees
    {
        get
        {
            long total = 0;
            for (int index = 0; index < Count; index++)
                total += Volatile.Read(ref BucketAt(index).DirectFrees);
            return total;
        }
    }

    /// <summary>Takes a block from bucket <paramref name="index"/>; 0 when a new page is needed and the OS has none.</summary>
    /// <remarks>The lock is released in a finally block: a fault while it is held (a page overwritten by a stray write) must not leave the bucket locked for every later call.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public nint Allocate(int index, ref TreeHeap tree)
    {
        ref Bucket bucket = ref BucketAt(index);
        bucket.Gate.Enter();
        try
        {
            var page = (SmallPage*)bucket.Pages;
            if (page == null)
            {
                page = AddPage(ref bucket, index, ref tree);
                if (page == null)
                    return 0;
            }

            nint block = TakeFrom(page);
            // Cleared so the block no longer looks free (and a page started afresh may still hold earlier links and keys).
            FreeList.Clear(block, page->ElementSize);

            int used = page->Used++;
            if (used == 0)
                bucket.EmptyPages--;
            if (used + 1 == page->Capacity)
                RemovePage(ref bucket, page);
            bucket.AllocatedBytes += page->ElementSize;
            bucket.DirectAllocations++;
            return block;
        }
        finally
        {
            bucket.Gate.Exit();
        }
    }

    /// <summary>
    /// Returns a small block to its bucket; false, changing nothing, when the block is free already (on its page's free
    /// list, recognised by its key, see <see cref="Diagnostics.FreedBlockKey"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Free(nint pointer, ref TreeHeap tree)
    {
        var page = (SmallPage*)(pointer & ~(_pageSize - 1));
        ref Bucket bucket = ref BucketAt(page->BucketIndex);
        bucket.Gate.Enter();
        try
        {
            if (Diagnostics.FreedBlockKey.Enabled && Diagnostics.FreedBlockKey.LooksFreedInPage(pointer, _key, _pageSize - 1, page->ElementSize)
                && IsOnFreeList(page, pointer))
                return false;
            FreeList.Push(ref page->FreeList, pointer, _key, page->ElementSize);
            int used = page->Used;
            if (used == page->Capacity)
                PushPage(ref bucket, page);
            page->Used = --used;
            bucket.AllocatedBytes -= page->ElementSize;
            bucket.DirectFrees++;
            if (used == 0)
                OnPageEmptied(ref bucket, page, ref tree);
            return true;
        }
        finally
        {
            bucket.Gate.Exit();
        }
    }

    /// <summary>
    /// Takes a block from a page that has room, leaving its first word for the caller to set: the last freed block,
    /// or when the free list is empty (every block carved so far is in use) the next one from the untouched end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly nint TakeFrom(SmallPage* page)
    {
        nint block = page->FreeList;
        if (block != 0)
        {
            page->FreeList = FreeList.Next(block, _key);
            return block;
        }
        block = page->Bump - page->ElementSize;
        page->Bump = block;
        return block;
    }

    /// <summary>
    /// The key of the pages' free lists (see <see cref="Diagnostics.FreedBlockKey.LooksFreedInPage(nint, nint, nint, nint)"/>):
    /// links are stored XOR it, and blocks of two words or more hold it in their second word.
    /// </summary>
    public readonly nint Key => _key;

    /// <summary>
    /// Takes blocks of bucket <paramref name="index"/> under one lock, for a thread cache: linked through their first
    /// words (the last link 0), each with <paramref name="cacheKey"/> in its second, as blocks in a cache are kept.
    /// A batch another cache flushed is taken whole, whatever its length; otherwise up to <paramref name="count"/>
    /// blocks come from the pages. Returns how many were taken: 0 only when the OS has no memory for a new page.
    /// </summary>
    /// <remarks>The bucket must hold blocks of two words at least (not bucket 0). Taken blocks count as allocated here.</remarks>
    public int TakeBlocks(int index, int count, nint cacheKey, ushort owner, ref TreeHeap tree, out nint head)
    {
        ref Bucket bucket = ref BucketAt(index);
        nint first = 0;
        int taken = 0;
        bucket.Gate.Enter();
        try
        {
            if (bucket.HeldBatches > 0)
            {
                int last = --bucket.HeldBatches;
                head = (nint)bucket.HeldHeads[last];
                taken = bucket.HeldCounts[last];
                bucket.AllocatedBytes += (long)taken * bucket.ElementSize;
                return taken;
            }

            while (taken < count)
            {
                SmallPage* page = PageFor(ref bucket, owner);
                if (page == null)
                {
                    // Out of memory for a new page, any page with room will do, whichever cache draws from it.
                    page = AddPage(ref bucket, index, ref tree);
                    if (page == null && (page = (SmallPage*)bucket.Pages) == null)
                        break;
                }
                page->Owner = owner;

                if (page->Used == 0)
                    bucket.EmptyPages--;
                while (taken < count && page->Used < page->Capacity)
                {
                    nint block = TakeFrom(page);
                    *(nint*)block = first;
                    ((nint*)block)[1] = cacheKey;
                    first = block;
                    page->Used++;
                    taken++;
                }
                if (page->Used == page->Capacity)
                    RemovePage(ref bucket, page);
            }
            bucket.AllocatedBytes += (long)taken * bucket.ElementSize;
        }
        finally
        {
            bucket.Gate.Exit();
        }
        head = first;
        return taken;
    }

    /// <summary>
    /// The page a cache's refill draws from: one it already draws from, else one no cache draws from, so that a page's
    /// blocks, and the cache lines they share, stay with one thread. Two threads writing blocks that share a line take
    /// the line from each other on every write: on glibc-thread's loop, a heap shared by two threads cost 1.3-1.7 times
    /// a heap per thread (docs/benchmarks.md). Only the first <see cref="PagesSearched"/> pages are looked at; when all
    /// of those belong to other caches the first is taken over, so a bucket does not grow a page for every thread that
    /// ever used it. Null when the few pages with room all belong to other caches: the caller adds a page.
    /// </summary>
    private static SmallPage* PageFor(ref Bucket bucket, ushort owner)
    {
        SmallPage* unowned = null;
        int seen = 0;
        for (var page = (SmallPage*)bucket.Pages; page != null; page = (SmallPage*)page->Next)
        {
            if (page->Owner == owner)
                return page;
            if (page->Owner == 0 && unowned == null)
                unowned = page;
            if (++seen == PagesSearched)
                return unowned != null ? unowned : (SmallPage*)bucket.Pages;
        }
        return unowned;
    }

    /// <summary>How many pages with room a refill looks at for one of its own (see <see cref="PageFor"/>).</summary>
    private const int PagesSearched = 4;

    /// <summary>
    /// Gives back <paramref name="count"/> blocks of bucket <paramref name="index"/> from a thread cache, under one
    /// lock: the list starts at <paramref name="head"/> and is linked through the blocks' first words. With
    /// <paramref name="mayHold"/>, the list is kept whole for the next cache that refills while the bucket has room
    /// for a batch (the list must then end with a 0 link, and its blocks keep the caches' key); otherwise, or
    /// without room, every block goes back to its page.
    /// </summary>
    public void ReturnBlocks(int index, nint head, int count, bool mayHold, ref TreeHeap tree)
    {
        ref Bucket bucket = ref BucketAt(index);
        bucket.Gate.Enter();
        try
        {
            if (mayHold && bucket.HeldBatches < HeldBatchesPerBucket)
            {
                int slot = bucket.HeldBatches++;
                bucket.HeldHeads[slot] = head;
                bucket.HeldCounts[slot] = count;
            }
            else
                ReleaseToPages(ref bucket, head, count, ref tree, disown: !mayHold);
            bucket.AllocatedBytes -= (long)count * bucket.ElementSize;
        }
        finally
        {
            bucket.Gate.Exit();
        }
    }

    /// <summary>Puts <paramref name="count"/> linked blocks back on their pages' free lists; under the bucket's lock.</summary>
    private void ReleaseToPages(ref Bucket bucket, nint head, int count, ref TreeHeap tree, bool disown)
    {
        nint block = head;
        for (int i = 0; i < count; i++)
        {
            nint next = *(nint*)block;
            // The bucket's key replaces the cache's: a block the bucket hands out later must not look cached.
            var page = (SmallPage*)(block & ~(_pageSize - 1));
            if (disown)
                page->Owner = 0;
            FreeList.Push(ref page->FreeList, block, _key, page->ElementSize);
            int used = page->Used;
            if (used == page->Capacity)
                PushPage(ref bucket, page);
            page->Used = --used;
            if (used == 0)
                OnPageEmptied(ref bucket, page, ref tree);
            block = next;
        }
    }

    /// <summary>Blocks held in flushed batches across the buckets (for tests).</summary>
    public int HeldBlocks
    {
        get
        {
            int total = 0;
            for (int index = 0; index < Count; index++)
            {
                ref Bucket bucket = ref BucketAt(index);
                bucket.Gate.Enter();
                try
                {
                    for (int slot = 0; slot < bucket.HeldBatches; slot++)
                        total += bucket.HeldCounts[slot];
                }
                finally
                {
                    bucket.Gate.Exit();
                }
            }
            return total;
        }
    }

    /// <summary>Whether a small block is free (for a reallocation, which must not move a freed block).</summary>
    public bool IsFree(nint pointer)
    {
        var page = (SmallPage*)(pointer & ~(_pageSize - 1));
        if (!Diagnostics.FreedBlockKey.LooksFreedInPage(pointer, _key, _pageSize - 1, page->ElementSize))
            return false;
        ref Bucket bucket = ref BucketAt(page->BucketIndex);
        bucket.Gate.Enter();
        try
        {
            return IsOnFreeList(page, pointer);
        }
        finally
        {
            bucket.Gate.Exit();
        }
    }

    /// <summary>
    /// Whether the block is on its page's free list: the confirmation of a block that looks freed, since a live
    /// block may hold a copy of a freed one's link (a reallocation copies whatever the old block held).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly bool IsOnFreeList(SmallPage* page, nint pointer)
    {
        // Below the carving point nothing has been handed out since the page (re)started: a kept empty page forgets
        // its free list and carves afresh.
        if (pointer < page->Bump || page->Used == 0)
            return true;
        for (nint block = page->FreeList; block != 0; block = FreeList.Next(block, _key))
        {
            if (block == pointer)
                return true;
        }
        return false;
    }

    /// <summary>Puts the held batches back on their pages, then returns every empty page of every bucket to the tree.</summary>
    public void GarbageCollect(ref TreeHeap tree)
    {
        for (int index = 0; index < Count; index++)
        {
            ref Bucket bucket = ref BucketAt(index);
            bucket.Gate.Enter();
            try
            {
                while (bucket.HeldBatches > 0)
                {
                    int slot = --bucket.HeldBatches;
                    ReleaseToPages(ref bucket, (nint)bucket.HeldHeads[slot], bucket.HeldCounts[slot], ref tree, disown: true);
                }

                var page = (SmallPage*)bucket.Pages;
                while (page != null)
                {
                    var next = (SmallPage*)page->Next;
                    if (page->Used == 0)
                    {
                        RemovePage(ref bucket, page);
                        tree.FreePage((nint)page);
                    }
                    page = next;
                }
                bucket.EmptyPages = 0;
            }
            finally
            {
                bucket.Gate.Exit();
            }
        }
    }

    [UnscopedRef]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Bucket BucketAt(int index) => ref Unsafe.Add(ref Unsafe.As<BucketArray, Bucket>(ref _buckets), index);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private SmallPage* AddPage(ref Bucket bucket, int index, ref TreeHeap tree)
    {
        nint address = tree.AllocatePage(_pageSize, index);
        if (address == 0)
            return null;

        var page = (SmallPage*)address;
        page->FreeList = 0;
        page->Bump = address + _pageSize;
        page->Used = 0;
        page->Capacity = bucket.Capacity;
        page->ElementSize = bucket.ElementSize;
        page->BucketIndex = (ushort)index;
        page->Owner = 0;
        PushPage(ref bucket, page);
        bucket.EmptyPages++;
        return page;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnPageEmptied(ref Bucket bucket, SmallPage* page, ref TreeHeap tree)
    {
        if (bucket.EmptyPages < _emptyPagesKept)
        {
            // Keep it, and start it afresh: carving from the end again keeps new blocks close together.
            bucket.EmptyPages++;
            page->Owner = 0;
            page->FreeList = 0;
            page->Bump = (nint)page + _pageSize;
            return;
        }

        RemovePage(ref bucket, page);
        tree.FreePage((nint)page);
    }

    private static void PushPage(ref Bucket bucket, SmallPage* page)
    {
        page->Previous = 0;
        page->Next = bucket.Pages;
        if (bucket.Pages != 0)
            ((SmallPage*)bucket.Pages)->Previous = (nint)page;
        bucket.Pages = (nint)page;
    }

    private static void RemovePage(ref Bucket bucket, SmallPage* page)
    {
        if (page->Previous != 0)
            ((SmallPage*)page->Previous)->Next = page->Next;
        else
            bucket.Pages = page->Next;
        if (page->Next != 0)
            ((SmallPage*)page->Next)->Previous = page->Previous;
    }

    /// <summary>
    /// One bucket: its lock, its pages with free blocks, its byte count (kept under the lock, so exact) and the
    /// batches it holds for the thread caches. Two cache lines each, so that threads using neighbouring sizes do not
    /// contend for one line.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private unsafe struct Bucket
    {
        [FieldOffset(0)] public SpinGate Gate;

        /// <summary>The first page with a free block, or 0.</summary>
        [FieldOffset(8)] public nint Pages;

        [FieldOffset(16)] public long AllocatedBytes;
        [FieldOffset(24)] public int ElementSize;

        /// <summary>Blocks per page.</summary>
        [FieldOffset(28)] public int Capacity;

        /// <summary>Pages on the list with no block in use.</summary>
        [FieldOffset(32)] public int EmptyPages;

        /// <summary>Batches held, in the first slots of <see cref="HeldHeads"/> and <see cref="HeldCounts"/>.</summary>
        [FieldOffset(36)] public int HeldBatches;

        /// <summary>Blocks allocated and freed one at a time (not through a thread cache), ever.</summary>
        [FieldOffset(40)] public long DirectAllocations;

        [FieldOffset(48)] public long DirectFrees;

        /// <summary>The first block of each held batch; its blocks are linked through their first words, the last link 0.</summary>
        [FieldOffset(64)] public fixed long HeldHeads[HeldBatchesPerBucket];

        /// <summary>The blocks in each held batch.</summary>
        [FieldOffset(96)] public fixed int HeldCounts[HeldBatchesPerBucket];
    }

    [InlineArray(Count)]
    private struct BucketArray
    {
        private Bucket _element0;
    }
}

/// <summary>
/// The header at the start of a small-block page. Its first 16 bytes are the <see cref="BoundaryTag"/> of the
/// tree block the page lives in and belong to the tree heap; the bucket only touches what follows.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct SmallPage
{
    /// <summary>The last freed block; each free block holds the next one in its first word, XOR the buckets' key.</summary>
    [FieldOffset(16)] public nint FreeList;

    /// <summary>The lowest block carved so far; the next one is carved just below it.</summary>
    [FieldOffset(24)] public nint Bump;

    /// <summary>The bucket's list of pages with free blocks.</summary>
    [FieldOffset(32)] public nint Next;

    [FieldOffset(40)] public nint Previous;

    /// <summary>Blocks in use.</summary>
    [FieldOffset(48)] public int Used;

    /// <summary>Blocks the page holds.</summary>
    [FieldOffset(52)] public int Capacity;

    [FieldOffset(56)] public int ElementSize;
    [FieldOffset(60)] public ushort BucketIndex;

    /// <summary>The thread cache that refills from this page (see <see cref="SmallBlockBuckets.TakeBlocks"/>); 0: none.</summary>
    [FieldOffset(62)] public ushort Owner;
}
