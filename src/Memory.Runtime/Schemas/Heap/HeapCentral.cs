using Memory.Internal;
using Memory.Schemas.Hpha;

namespace Memory.Schemas;

/// <summary>
/// The shared half of <see cref="HeapSchema"/>: chunks of small blocks per size class behind one lock per
/// class, large blocks straight from the OS, and the registry of the thread caches that draw from it.
/// </summary>
/// <remarks>
/// Thread caches move blocks in batches (<see cref="TakeBlocks"/>, <see cref="ReturnBlocks"/>), so a class
/// lock is taken once per batch, not per block. Each chunk keeps its own free list and a count of blocks
/// out (with users or in caches). A chunk with none out is empty: one per class is kept for the next
/// batch, others go back to the OS at once, and <see cref="GarbageCollect"/> returns them all. Chunks are
/// listed by state, partly used ones first, so batches come from them and empty chunks can stay empty.
/// </remarks>
internal sealed unsafe class HeapCentral
{
    private const int EmptyChunksKept = 1;

    /// <summary>Bytes of freed large blocks kept for reuse (see <see cref="RegionCache"/>).</summary>
    private const long LargeBytesKept = 1024L * 1024 * 1024;
    private const int NotListed = 0;   // Every block out: the chunk waits for frees in no list.
    private const int PartlyUsed = 1;
    private const int Empty = 2;

    private static int s_lastId = -1;

    private readonly SizeClassState[] _classes;
    // The threads' caches; the bytes each counted stay in the heap's total after its thread has gone.
    private readonly ThreadCacheRegistry<HeapThreadCache> _caches = new(carried: static cache => cache.AllocatedBytes);
    private volatile bool _retired;
    private RegionCache _largeRegions = new(HeapChunk.Size, LargeBytesKept);
    private int _epoch;

    // One per size class, locked while batches move. The padded counter also keeps the locks (in the
    // object headers) of neighbouring classes on different cache lines.
    private sealed class SizeClassState
    {
        public nint PartlyUsedHead;
        public nint EmptyHead;
        public int EmptyCount;
        public CacheLinePadded Chunks;
    }

    public HeapCentral()
    {
        Id = Interlocked.Increment(ref s_lastId);
        Tag = MakeTag(Id);
        _classes = new SizeClassState[HeapSizeClasses.Count];
        for (int i = 0; i < _classes.Length; i++)
            _classes[i] = new SizeClassState();
    }

    /// <summary>A small number unique to this heap, indexing the per-thread cache tables.</summary>
    public int Id { get; }

    /// <summary>Written into every header of this heap, so that a block of another heap is recognised.</summary>
    public nint Tag { get; }

    /// <summary>The key written into the second word of every free small block (see <see cref="Diagnostics.FreedBlockKey"/>).</summary>
    public nint Key { get; } = Diagnostics.FreedBlockKey.New();

    /// <summary>The allocator the heap belongs to, named in the misuse it reports.</summary>
    public string? OwnerName { get; set; }

    /// <summary>Raised by <see cref="GarbageCollect"/>; a thread cache that sees it change flushes itself.</summary>
    public int Epoch => Volatile.Read(ref _epoch);

    /// <summary>Bytes held from the OS: chunks and large-block regions.</summary>
    public long ReservedBytes
    {
        get
        {
            long chunks = 0;
            foreach (SizeClassState state in _classes)
                chunks += Volatile.Read(ref state.Chunks.Value);
            return chunks * HeapChunk.Size + _largeRegions.ReservedBytes;
        }
    }

    /// <summary>Usable bytes handed out and not returned, summed over the thread caches that counted them.</summary>
    public long AllocatedBytes => _caches.CarriedTotal;

    /// <summary>How many threads have a live cache of this heap.</summary>
    public int ThreadCacheCount => _caches.Count;

    /// <summary>Blocks sitting in thread caches now (approximate while other threads run).</summary>
    public long CachedBlocks => _caches.Sum(static cache => cache.CachedBlocks);

    /// <summary>Adds a new thread's cache, first taking back those of threads that have exited (see <see cref="ThreadCacheRegistry{TCache}"/>).</summary>
    public void Register(HeapThreadCache cache)
    {
        _caches.Register(cache);
        if (MainThreadStack.IsCurrent())
            MainThreadCache = cache;
    }

    /// <summary>
    /// The main thread's cache, once it has one: found by <see cref="HeapThreadCaches.Enter"/> from the stack address
    /// alone (see <see cref="MainThreadStack"/>). Written and read by the main thread only.
    /// </summary>
    public HeapThreadCache? MainThreadCache { get; private set; }

    /// <summary>Other threads' caches, found from their stack pages (see <see cref="StackBoundCache"/>).</summary>
    public StackCacheSlots StackSlots;

    /// <summary>Takes back the cache of a thread that has exited: its blocks and its count.</summary>
    public void Retire(HeapThreadCache cache) => _caches.Retire(cache);

    /// <summary>Whether the allocator is disposed (see <see cref="ThreadCacheList{TCache}"/>).</summary>
    public bool IsRetired => _retired;

    /// <summary>Marks the heap retired: its allocator is disposed, and no thread allocates from it any more.</summary>
    public void MarkRetired() => _retired = true;

    /// <summary>
    /// Takes back a retired heap's cache from its living owner, which drops it, and releases what that leaves empty: the
    /// heap asks no thread to flush any more, so this is how a long-lived thread's cached blocks come back.
    /// </summary>
    public void ReturnFromOwner(HeapThreadCache cache)
    {
        _caches.Retire(cache);
        if (MainThreadCache == cache)
            MainThreadCache = null;
        GarbageCollect();
    }

    /// <summary>
    /// Takes up to <paramref name="count"/> blocks of a class as a list linked through their first words.
    /// </summary>
    /// <returns>The head of the list (0 when the OS gave no chunk); <paramref name="taken"/> is its length.</returns>
    public nint TakeBlocks(int sizeClass, int count, out int taken)
    {
        SizeClassState state = _classes[sizeClass];
        int blockSize = HeapSizeClasses.SizeOf(sizeClass);
        int capacity = HeapSizeClasses.BlocksPerChunkOf(sizeClass);
        nint head = 0;
        taken = 0;
        lock (state)
        {
            while (taken < count)
            {
                nint next = state.PartlyUsedHead != 0 ? state.PartlyUsedHead : state.EmptyHead;
                HeapChunk* chunk = next != 0 ? (HeapChunk*)next : NewChunk(state, sizeClass);
                if (chunk == null)
                    break;

                while (taken < count && chunk->UsedBlocks < capacity)
                {
                    nint block = chunk->FreeList;
                    if (block != 0)
                    {
                        chunk->FreeList = HeapChunk.NextOf(block);
                    }
                    else
                    {
                        block = chunk->Unused;
                        chunk->Unused += blockSize;
                    }
                    HeapChunk.SetNext(block, head);
                    head = block;
                    chunk->UsedBlocks++;
                    taken++;
                }
                Relist(state, chunk, capacity);
            }
        }
        return head;
    }

    /// <summary>Gives back a list of blocks of a class, linked through their first words and ended by 0.</summary>
    public void ReturnBlocks(int sizeClass, nint head)
    {
        SizeClassState state = _classes[sizeClass];
        int capacity = HeapSizeClasses.BlocksPerChunkOf(sizeClass);
        lock (state)
        {
            nint block = head;
            while (block != 0)
            {
                nint next = HeapChunk.NextOf(block);
                HeapChunk* chunk = HeapChunk.Of(block);
                HeapChunk.SetNext(block, chunk->FreeList);
                chunk->FreeList = block;
                int used = --chunk->UsedBlocks;
                if (used == capacity - 1 || used == 0)
                {
                    Relist(state, chunk, capacity);
                    if (used == 0 && state.EmptyCount > EmptyChunksKept)
                        ReleaseChunk(state, chunk);
                }
                block = next;
            }
        }
    }

    /// <summary>A block of its own for a request no size class serves, with its header below it.</summary>
    public nint AllocateLarge(nint size, nint alignment, out nint usable)
    {
        nint regionAlignment = Math.Max(HeapChunk.Size, alignment);
        nint offset = Math.Max(HeapChunk.HeaderSize, alignment);
        usable = 0;
        if (regionAlignment > nint.MaxValue / 4 || (nuint)size > (nuint)(nint.MaxValue - 2 * regionAlignment))
            return 0; // No OS could meet it, and the sums below would overflow.

        nint region = _largeRegions.Allocate(offset + size, regionAlignment, out nint regionSize);
        if (region == 0)
            return 0;
        // The block runs to the end of the region: whole pages, perhaps a kept region larger than asked.
        usable = regionSize - offset;

        nint block = region + offset;
        HeapChunk* header = HeapChunk.Of(block);
        header->HeapTag = Tag;
        header->Kind = HeapChunk.LargeKind;
        header->SizeClass = -1;
        header->Region = region;
        header->LargeSize = usable;
        return block;
    }

    /// <summary>Frees a large block: its region is kept for reuse or returned to the OS.</summary>
    public void FreeLarge(nint block, HeapChunk* header)
    {
        nint region = header->Region;
        header->HeapTag = 0;
        _largeRegions.Free(region, block - region + header->LargeSize);
    }

    /// <summary>
    /// Flushes the calling thread's cache, tells every other thread cache to flush at its next operation,
    /// and returns every empty chunk and kept large-block region to the OS.
    /// </summary>
    public void GarbageCollect()
    {
        Interlocked.Increment(ref _epoch);
        _largeRegions.GarbageCollect();
        _caches.RetireExited();
        HeapThreadCaches.Find(this)?.FlushAll();
        foreach (SizeClassState state in _classes)
        {
            lock (state)
            {
                while (state.EmptyHead != 0)
                    ReleaseChunk(state, (HeapChunk*)state.EmptyHead);
            }
        }
    }

    // A value a stray pointer's "header" is unlikely to hold, different for every heap: the id above a salt.
    private static nint MakeTag(int id)
    {
        uint salt = (uint)Random.Shared.Next() | 1;
        return IntPtr.Size == 8 ? (nint)((long)id << 32 | salt) : (nint)((uint)id * 0x9E3779B1u ^ salt);
    }

    private HeapChunk* NewChunk(SizeClassState state, int sizeClass)
    {
        nint region = OSSchema.AllocateBlock(HeapChunk.Size, HeapChunk.Size);
        if (region == 0)
            return null;

        HeapChunk* chunk = (HeapChunk*)region;
        *chunk = default;
        chunk->HeapTag = Tag;
        chunk->Kind = HeapChunk.SmallKind;
        chunk->SizeClass = sizeClass;
        chunk->Unused = region + HeapSizeClasses.BlockOffset(sizeClass);
        chunk->ListState = NotListed;
        Volatile.Write(ref state.Chunks.Value, state.Chunks.Value + 1);
        return chunk;
    }

    private void ReleaseChunk(SizeClassState state, HeapChunk* chunk)
    {
        Unlink(state, chunk);
        chunk->HeapTag = 0;
        Volatile.Write(ref state.Chunks.Value, state.Chunks.Value - 1);
        OSSchema.FreeBlock((nint)chunk);
    }

    // Puts a chunk in the list its count of blocks out calls for.
    private static void Relist(SizeClassState state, HeapChunk* chunk, int capacity)
    {
        int wanted = chunk->UsedBlocks == capacity ? NotListed : chunk->UsedBlocks == 0 ? Empty : PartlyUsed;
        if (wanted == chunk->ListState)
            return;
        Unlink(state, chunk);
        if (wanted == NotListed)
            return;

        ref nint head = ref wanted == Empty ? ref state.EmptyHead : ref state.PartlyUsedHead;
        chunk->Previous = 0;
        chunk->Next = head;
        if (head != 0)
            ((HeapChunk*)head)->Previous = (nint)chunk;
        head = (nint)chunk;
        chunk->ListState = wanted;
        if (wanted == Empty)
            state.EmptyCount++;
    }

    private static void Unlink(SizeClassState state, HeapChunk* chunk)
    {
        if (chunk->ListState == NotListed)
            return;
        if (chunk->ListState == Empty)
            state.EmptyCount--;

        ref nint head = ref chunk->ListState == Empty ? ref state.EmptyHead : ref state.PartlyUsedHead;
        if (chunk->Previous != 0)
            ((HeapChunk*)chunk->Previous)->Next = chunk->Next;
        else
            head = chunk->Next;
        if (chunk->Next != 0)
            ((HeapChunk*)chunk->Next)->Previous = chunk->Previous;
        chunk->Previous = chunk->Next = 0;
        chunk->ListState = NotListed;
    }
}
