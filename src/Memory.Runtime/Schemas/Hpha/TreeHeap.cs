using System.Diagnostics;
using System.Runtime.CompilerServices;
using Memory.Internal;

namespace Memory.Schemas.Hpha;

/// <summary>
/// The large-block half of HPHA: blocks above the small-block range, best fit from a red-black tree of free
/// blocks (with exact-size bins in front of it for free blocks up to 8 KiB, see <see cref="FreeBlockBins"/>,
/// and recently freed blocks held for reuse by size, see <see cref="QuickLists"/>), carved from chunks
/// taken from the OS. Also the source of the pages the small-block buckets use.
/// </summary>
/// <remarks>
/// <para>
/// Every block carries a <see cref="BoundaryTag"/>. Allocation takes the best-fitting free block, places the
/// request in it (respecting alignment) and returns what is left before and after to the tree; freeing
/// merges the block with free neighbours first, so two free blocks are never adjacent and fragmentation
/// stays low. Alignment costs nothing when a free block already has a suitably aligned address inside it:
/// the bytes in front become a free block of their own rather than padding.
/// </para>
/// <para>
/// A chunk is <c>chunkSize</c> bytes aligned to <c>chunkSize</c>:
/// <c>[ChunkHeader 304][front fence 16][blocks ...][back fence 16]</c>. The fences are used blocks of size 0, so
/// merging needs no bounds checks.
/// </para>
/// <para>
/// A chunk whose only block is free again is <em>empty</em>. It is kept for reuse for the heap's retention time
/// (<see cref="HphaOptions.EmptyChunkRetention"/>) and then returned to the OS, and <see cref="GarbageCollect"/> returns
/// every empty chunk at once. Best fit takes an empty chunk's block last (it is the largest there is), so a chunk that
/// empties tends to stay empty while the others have room. Blocks held on the quick lists would keep their chunks from
/// ever emptying, so the same policy merges them back once per retention time. The heap counts its empty chunks and
/// held blocks: while it keeps neither, the policy costs a comparison per operation; otherwise every
/// <see cref="ClockCheckInterval"/>th operation reads the clock, and a walk of the chunk list finds the expired chunks
/// once the earliest is due. Chunks go back to the OS after the lock is released: the system call must not hold up the
/// other threads.
/// </para>
/// <para>Every public member takes the heap's lock except <see cref="BlockSize"/>, which reads a live block.</para>
/// </remarks>
internal unsafe struct TreeHeap
{
    // The chunk header is a multiple of the blocks' granularity (see RegionHeader.Size).
    private const int FrontFenceOffset = ChunkHeader.Size;
    private const int FirstBlockOffset = FrontFenceOffset + BoundaryTag.Size;

    /// <summary>The quick lists hold at most 1/HeldShare of the bytes in use (plus a small allowance), bounding what they cost in memory.</summary>
    private const int HeldShare = 8;
    private const int MinHeldAllowance = 64 * 1024 * HeldShare;

    /// <summary>While some chunk is empty or some block held, the clock is read once in this many operations to see whether either is due.</summary>
    private const int ClockCheckInterval = 256;

    private SpinGate _gate;

    // Written into the second word of blocks held on the quick lists, which stay marked used (see Free).
    private readonly nint _key = Diagnostics.FreedBlockKey.New();
    private QuickLists _quick;
    private int _trimCursor;  // the quick list ReleaseOneHeld looks at first
    private FreeBlockBins _bins;
    private FreeBlockTree _free;
    private nint _chunks;
    private long _allocatedBytes;
    private long _allocations;
    private long _frees;
    private long _reservedBytes;
    private readonly nint _chunkSize;
    private readonly int _pageShift;

    // The empty chunks (see the remarks): how many, how long each is kept in Stopwatch ticks (-1: until garbage
    // collection), the earliest time one may be due (long.MaxValue: none), and the operations left until the clock is read.
    private readonly long _retentionTicks;
    private int _emptyChunks;
    private long _nextExpiry;
    private int _untilClockCheck;

    // When the quick lists were last merged back because the retention had passed.
    private long _heldReleasedAt;

    public TreeHeap(nint chunkSize, nint pageSize, TimeSpan emptyChunkRetention)
    {
        _chunkSize = chunkSize;
        _pageShift = System.Numerics.BitOperations.Log2((nuint)pageSize);
        _retentionTicks = emptyChunkRetention == Timeout.InfiniteTimeSpan
            ? -1
            : (long)Math.Min(emptyChunkRetention.TotalSeconds * Stopwatch.Frequency, long.MaxValue / 2);
        _nextExpiry = long.MaxValue;
        _heldReleasedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>Chunks that hold no used block, kept for reuse (for tests).</summary>
    public readonly int EmptyChunkCount => _emptyChunks;

    /// <summary>Bytes of freed blocks held on the quick lists (for tests).</summary>
    public readonly long HeldBytes => _quick.HeldBytes;

    /// <summary>The largest request (size plus alignment) a fresh chunk is sure to satisfy.</summary>
    public static nint Capacity(nint chunkSize) => chunkSize - FirstBlockOffset - 2 * BoundaryTag.Size - BoundaryTag.MinSplit;

    /// <summary>Blocks <see cref="Allocate"/> handed out, ever (not the batches or pages of the other calls).</summary>
    public long Allocations => Volatile.Read(ref _allocations);

    /// <summary>Blocks <see cref="Free"/> took back, ever.</summary>
    public long Frees => Volatile.Read(ref _frees);

    /// <summary>Usable bytes of live tree blocks (pages handed to the buckets are not counted here).</summary>
    public long AllocatedBytes => Volatile.Read(ref _allocatedBytes);

    /// <summary>Bytes of the chunks held from the OS.</summary>
    public long ReservedBytes => Volatile.Read(ref _reservedBytes);

    /// <summary>The usable size of a live tree block.</summary>
    public static nint BlockSize(nint memory) => BoundaryTag.BlockSize(BoundaryTag.HeaderOf(memory));

    /// <summary>Allocates a block of at least <paramref name="size"/> bytes whose address is a multiple of <paramref name="alignment"/>.</summary>
    public nint Allocate(nint size, nint alignment)
    {
        nint request = RoundSize(size);
        _gate.Enter();
        nint memory = alignment <= BoundaryTag.Granularity ? TakeUnaligned(request) : TakeCounted(request, alignment);
        if (memory != 0)
            _allocations++;
        ExitGate();
        return memory;
    }

    /// <summary>
    /// Allocates up to <paramref name="count"/> blocks of at least <paramref name="size"/> bytes under one lock, linked
    /// through their first word from <paramref name="first"/>; returns how many, fewer only when the OS has no memory.
    /// A thread cache's refill: one lock for a batch rather than one per block.
    /// </summary>
    public int AllocateMany(nint size, int count, out nint first)
    {
        nint request = RoundSize(size);
        first = 0;
        int taken = 0;
        _gate.Enter();
        for (; taken < count; taken++)
        {
            nint memory = TakeUnaligned(request);
            if (memory == 0)
                break;
            *(nint*)memory = first;
            first = memory;
        }
        ExitGate();
        return taken;
    }

    // A block at the tree's own alignment: a held one of the exact size when there is one, else from the tree. Under the lock.
    private nint TakeUnaligned(nint request)
    {
        nint held = _quick.TryPop(request);
        if (held == 0)
            return TakeCounted(request, BoundaryTag.Granularity);
        ((nint*)held)[1] = 0;  // the freed-block key Free wrote
        _allocatedBytes += request;
        return held;
    }

    // A block from the tree, counted; 0 when the OS has no memory. Under the lock.
    private nint TakeCounted(nint request, nint alignment)
    {
        nint header = Take(request, alignment, headerAligned: false);
        if (header == 0)
            return 0;
        _allocatedBytes += BoundaryTag.BlockSize(header);
        return BoundaryTag.Memory(header);
    }

    /// <summary>
    /// Frees a block from <see cref="Allocate"/>; false, changing nothing, when it is free already: released to the
    /// tree (its header says so) or held on a quick list (its second word holds the key, see
    /// <see cref="Diagnostics.FreedBlockKey"/>).
    /// </summary>
    public bool Free(nint memory)
    {
        nint header = BoundaryTag.HeaderOf(memory);
        _gate.Enter();
        bool live = BoundaryTag.IsUsed(header) && !Diagnostics.FreedBlockKey.HasKey(memory, _key);
        if (live)
        {
            Give(memory, header);
            _frees++;
        }
        ExitGate();
        return live;
    }

    /// <summary>
    /// Frees <paramref name="count"/> live blocks linked through their first word from <paramref name="first"/>, under
    /// one lock: a thread cache's flush. The blocks are known live (the cache checked each as it came in).
    /// </summary>
    public void FreeMany(nint first, int count)
    {
        _gate.Enter();
        nint memory = first;
        for (int i = 0; i < count; i++)
        {
            nint next = *(nint*)memory;  // read first: the block's words become the tree's once it is given back
            Give(memory, BoundaryTag.HeaderOf(memory));
            memory = next;
        }
        ExitGate();
    }

    // Takes back a live block: held for reuse while what is held stays a small share of what is in use (HeldShare),
    // else merged into the tree. Under the lock.
    private void Give(nint memory, nint header)
    {
        nint size = BoundaryTag.BlockSize(header);
        _allocatedBytes -= size;
        if ((_quick.HeldBytes + size) * HeldShare <= _allocatedBytes + MinHeldAllowance && _quick.TryPush(memory, size))
        {
            ((nint*)memory)[1] = _key;
            return;
        }
        Release(header);

        // Over their share because the bytes in use have fallen since the blocks were held: each such free merges one
        // more held block back, so the lists shrink with the heap rather than pin its chunks until garbage collection.
        if (_quick.HeldBytes * HeldShare > _allocatedBytes + MinHeldAllowance)
            ReleaseOneHeld();
    }

    // Merges one held block back into the tree, taking the lists in turn. Under the lock.
    private void ReleaseOneHeld()
    {
        nint memory = _quick.PopAny(ref _trimCursor);
        if (memory == 0)
        {
            _trimCursor = 0;
            memory = _quick.PopAny(ref _trimCursor);
        }
        ((nint*)memory)[1] = 0;  // the key must not outlive the block's time on the list (see ReleaseHeld)
        Release(BoundaryTag.HeaderOf(memory));
    }

    /// <summary>Whether a block is free: released to the tree or held on a quick list (see <see cref="Free"/>).</summary>
    public readonly bool IsFree(nint memory)
        => !BoundaryTag.IsUsed(BoundaryTag.HeaderOf(memory)) || Diagnostics.FreedBlockKey.HasKey(memory, _key);

    /// <summary>
    /// Resizes a live block in place: shrinking returns the tail to the tree, growing absorbs a free block that
    /// follows. Returns false (block untouched) when the block cannot grow where it is.
    /// </summary>
    public bool TryResize(nint memory, nint newSize)
    {
        nint request = RoundSize(newSize);
        nint header = BoundaryTag.HeaderOf(memory);
        _gate.Enter();
        nint size = BoundaryTag.BlockSize(header);
        nint end = header + BoundaryTag.Size + size;
        if (request > size)
        {
            if (BoundaryTag.IsUsed(end) || size + BoundaryTag.Size + BoundaryTag.BlockSize(end) < request)
            {
                _gate.Exit();
                return false;
            }
            RemoveFree(BoundaryTag.Memory(end));
            end = BoundaryTag.Next(end);
        }

        nint newBlockSize = ShapeUsedBlock(header, end, request);
        _allocatedBytes += newBlockSize - size;
        ExitGate();
        return true;
    }

    /// <summary>
    /// Takes a <paramref name="pageSize"/> region aligned to <paramref name="pageSize"/> for a small-block
    /// page of bucket <paramref name="bucketIndex"/> and marks it so in its chunk's page map. Returns the page address
    /// (its first 16 bytes are the tree block's header and must not be touched by the page), or 0 when the OS has no memory.
    /// </summary>
    public nint AllocatePage(nint pageSize, int bucketIndex)
    {
        _gate.Enter();
        nint header = Take(pageSize - BoundaryTag.Size, pageSize, headerAligned: true);
        if (header != 0)
            PageMapEntry(header) = (byte)(bucketIndex + 1);
        ExitGate();
        return header;
    }

    /// <summary>Returns a page from <see cref="AllocatePage"/> to the tree.</summary>
    public void FreePage(nint page)
    {
        _gate.Enter();
        PageMapEntry(page) = 0;
        Release(page);
        ExitGate();
    }

    // A page's byte in its chunk's page map (see RegionHeader.Pages).
    private readonly ref byte PageMapEntry(nint page)
    {
        var chunk = (RegionHeader*)((page - 1) & ~(_chunkSize - 1));
        return ref chunk->Pages[(int)((page - (nint)chunk) >> _pageShift)];
    }

    /// <summary>Returns every chunk that holds no used block to the OS.</summary>
    public void GarbageCollect()
    {
        _gate.Enter();
        ReleaseHeld();
        nint empty = TakeEmptyChunks(now: 0, retentionTicks: 0);
        _gate.Exit();
        ReturnToOS(empty);
    }

    // Leaves the lock, and then gives back to the OS the empty chunks that are due. Every public member that takes the
    // lock (other than the garbage collection and the checks) leaves it here, so that any operation can find them due.
    // The clock is read every ClockCheckInterval calls that find something kept, or on every such call when nothing is to be kept.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ExitGate()
    {
        nint due = 0;
        if (_retentionTicks >= 0 && (_emptyChunks | _quick.Count) != 0 && (_retentionTicks == 0 || --_untilClockCheck <= 0))
            due = TakeDueChunks();
        _gate.Exit();
        if (due != 0)
            ReturnToOS(due);
    }

    // Under the lock, with some chunk empty or some block held, when the clock is to be read: merges back the held
    // blocks when the retention has passed since they were last merged (a held block keeps its chunk from emptying), and
    // returns the empty chunks due back to the OS, taken out of the heap and linked through their headers' Next, or 0.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private nint TakeDueChunks()
    {
        _untilClockCheck = ClockCheckInterval;
        long now = Stopwatch.GetTimestamp();
        if (_quick.Count != 0 && now - _heldReleasedAt >= _retentionTicks)
        {
            ReleaseHeld();
            _heldReleasedAt = now;
            now = Stopwatch.GetTimestamp();  // the chunks the merge emptied were stamped after the first reading
        }
        return now < _nextExpiry ? 0 : TakeEmptyChunks(now, _retentionTicks);
    }

    /// <summary>
    /// Under the lock: takes out of the heap every empty chunk that has been empty for <paramref name="retentionTicks"/>
    /// at <paramref name="now"/> (every one when 0) and links them through their headers' Next; notes when the
    /// earliest of those left is due.
    /// </summary>
    private nint TakeEmptyChunks(long now, long retentionTicks)
    {
        nint taken = 0;
        long nextExpiry = long.MaxValue;
        nint chunk = _chunks;
        while (chunk != 0)
        {
            var header = (ChunkHeader*)chunk;
            nint next = header->Next;
            if (IsEmpty(chunk))
            {
                if (retentionTicks == 0 || now - header->EmptySince >= retentionTicks)
                {
                    RemoveFree(BoundaryTag.Memory(chunk + FirstBlockOffset));
                    Unlink(chunk);
                    _reservedBytes -= _chunkSize;
                    _emptyChunks--;
                    header->Next = taken;
                    taken = chunk;
                }
                else
                {
                    nextExpiry = Math.Min(nextExpiry, header->EmptySince + retentionTicks);
                }
            }
            chunk = next;
        }
        _nextExpiry = nextExpiry;
        return taken;
    }

    /// <summary>Gives chunks taken by <see cref="TakeEmptyChunks"/> back to the OS; outside the lock.</summary>
    private static void ReturnToOS(nint chunks)
    {
        while (chunks != 0)
        {
            nint next = ((ChunkHeader*)chunks)->Next;
            OSSchema.FreeBlock(chunks);
            chunks = next;
        }
    }

    /// <summary>Whether the chunk holds no used block: its first block is free and spans it.</summary>
    private readonly bool IsEmpty(nint chunk)
    {
        nint first = chunk + FirstBlockOffset;
        return !BoundaryTag.IsUsed(first) && IsWholeChunk(first);
    }

    /// <summary>Whether the block at <paramref name="header"/> spans its whole chunk, fence to fence.</summary>
    private readonly bool IsWholeChunk(nint header)
        => (header & (_chunkSize - 1)) == FirstBlockOffset
            && BoundaryTag.Next(header) == header - FirstBlockOffset + _chunkSize - BoundaryTag.Size;

    /// <summary>Checks the free tree's invariants and that every chunk's block chain is consistent; null when all hold.</summary>
    public string? Validate()
    {
        _gate.Enter();
        try
        {
            string? error = _free.Validate();
            if (error is not null)
                return "free tree: " + error;
            error = _bins.Validate();
            if (error is not null)
                return "free bins: " + error;
            error = _quick.Validate();
            if (error is not null)
                return "quick lists: " + error;

            int freeBlocks = 0;
            int emptyChunks = 0;
            for (nint chunk = _chunks; chunk != 0; chunk = ((ChunkHeader*)chunk)->Next)
            {
                if (IsEmpty(chunk))
                    emptyChunks++;
                nint backFence = chunk + _chunkSize - BoundaryTag.Size;
                nint previous = chunk + FrontFenceOffset;
                nint block = BoundaryTag.Next(previous);
                bool previousFree = false;
                while (block != backFence)
                {
                    if (block > backFence)
                        return $"chunk 0x{chunk:X}: block 0x{block:X} runs past the back fence";
                    if (BoundaryTag.Prev(block) != previous)
                        return $"chunk 0x{chunk:X}: block 0x{block:X} has a wrong previous link";
                    bool free = !BoundaryTag.IsUsed(block);
                    if (free && previousFree)
                        return $"chunk 0x{chunk:X}: two adjacent free blocks at 0x{previous:X} and 0x{block:X}";
                    if (free)
                        freeBlocks++;
                    previousFree = free;
                    previous = block;
                    block = BoundaryTag.Next(block);
                }
                if (BoundaryTag.Prev(backFence) != previous)
                    return $"chunk 0x{chunk:X}: back fence has a wrong previous link";
            }
            if (emptyChunks != _emptyChunks)
                return $"{emptyChunks} empty chunks but {_emptyChunks} counted";
            return freeBlocks == _free.Count + _bins.Count ? null : $"{freeBlocks} free blocks in chunks but {_free.Count} in the tree and {_bins.Count} in bins";
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>The number of free blocks in the tree (for tests).</summary>
    public readonly int FreeBlockCount => _bins.Count + _free.Count;

    private static nint RoundSize(nint size)
        => size <= BoundaryTag.MinBlockSize ? BoundaryTag.MinBlockSize : AlignmentMath.AlignUp(size, BoundaryTag.Granularity);

    /// <summary>
    /// Finds a free block where <paramref name="request"/> bytes fit at the alignment (growing the heap when none
    /// does), carves the used block out of it and returns the used block's header, or 0 when the OS is out.
    /// With <paramref name="headerAligned"/> the header rather than the memory is aligned (pages).
    /// </summary>
    private nint Take(nint request, nint alignment, bool headerAligned)
    {
        nint placed = 0;
        nint node;
        if (alignment <= BoundaryTag.Granularity && !headerAligned)
        {
            // Best fit by size: the smallest binned block that fits, else the tree's.
            node = request <= FreeBlockBins.MaxSize ? _bins.FindAtLeast(request) : 0;
            if (node == 0)
                node = _free.LowerBound(request);
            if (node != 0)
                placed = BoundaryTag.HeaderOf(node);
        }
        else
        {
            node = FindAligned(request, alignment, headerAligned, out placed);
        }

        if (node == 0 && _quick.Count != 0)
        {
            // Held blocks must never make the heap grow: merge them back and search again.
            ReleaseHeld();
            return Take(request, alignment, headerAligned);
        }

        nint header;
        if (node != 0)
        {
            RemoveFree(node);
            header = BoundaryTag.HeaderOf(node);
            if (IsWholeChunk(header))
                _emptyChunks--;
        }
        else
        {
            header = AddChunk();
            if (header == 0)
                return 0;
            bool fits = TryPlace(header, request, alignment, headerAligned, out placed);
            Debug.Assert(fits, "requests are routed to the tree only when a fresh chunk holds them");
        }

        return Carve(header, placed, request);
    }

    /// <summary>
    /// The smallest free block where the aligned request fits, walking candidates in size order: the bins, then
    /// the tree. Any block of at least request + alignment + MinSplit bytes fits, so the walk only passes over
    /// blocks smaller than that.
    /// </summary>
    private nint FindAligned(nint request, nint alignment, bool headerAligned, out nint placed)
    {
        placed = 0;
        if (request <= FreeBlockBins.MaxSize)
        {
            for (int bin = _bins.NextNonEmpty(FreeBlockBins.BinOf(request + BoundaryTag.Granularity - 1)); bin >= 0; bin = _bins.NextNonEmpty(bin + 1))
            {
                for (nint node = _bins.Head(bin); node != 0; node = FreeBlockBins.Next(node))
                {
                    if (TryPlace(BoundaryTag.HeaderOf(node), request, alignment, headerAligned, out placed))
                        return node;
                }
            }
        }
        for (nint node = _free.LowerBound(request); node != 0; node = FreeBlockTree.Successor(node))
        {
            if (TryPlace(BoundaryTag.HeaderOf(node), request, alignment, headerAligned, out placed))
                return node;
        }
        return 0;
    }

    /// <summary>Frees every block the quick lists hold, merging each with its free neighbours.</summary>
    private void ReleaseHeld()
    {
        int list = 0;
        for (nint memory = _quick.PopAny(ref list); memory != 0; memory = _quick.PopAny(ref list))
        {
            // A block merged into a free neighbour keeps its words; the key must not outlive its time on the list.
            ((nint*)memory)[1] = 0;
            Release(BoundaryTag.HeaderOf(memory));
        }
    }

    /// <summary>Adds a free block to the bins or, when larger than they hold, the tree.</summary>
    private void InsertFree(nint node)
    {
        if (FreeBlockTree.KeyOf(node) <= FreeBlockBins.MaxSize)
            _bins.Insert(node);
        else
            _free.Insert(node);
    }

    /// <summary>Removes a free block from wherever its size put it.</summary>
    private void RemoveFree(nint node)
    {
        if (FreeBlockTree.KeyOf(node) <= FreeBlockBins.MaxSize)
            _bins.Remove(node);
        else
            _free.Remove(node);
    }

    /// <summary>Where the aligned request would go inside the free block at <paramref name="header"/>, and whether it fits.</summary>
    private static bool TryPlace(nint header, nint request, nint alignment, bool headerAligned, out nint placed)
    {
        nint end = BoundaryTag.Next(header);
        nint bias = headerAligned ? 0 : BoundaryTag.Size;
        nint at = AlignmentMath.AlignUp(header + bias, alignment) - bias;
        if (at != header && at - header < BoundaryTag.MinSplit)
        {
            // Too little room in front for a free block of its own: move to the next aligned address.
            at = AlignmentMath.AlignUp(header + bias + BoundaryTag.MinSplit, alignment) - bias;
        }
        placed = at;
        return at + BoundaryTag.Size + request <= end;
    }

    /// <summary>
    /// Turns the free block at <paramref name="header"/> (already out of the tree) into a used block at
    /// <paramref name="placed"/>, returning the space in front and any usable tail to the tree.
    /// </summary>
    private nint Carve(nint header, nint placed, nint request)
    {
        nint end = BoundaryTag.Next(header);
        if (placed != header)
        {
            BoundaryTag.SetFree(header, placed - header - BoundaryTag.Size);
            InsertFree(BoundaryTag.Memory(header));
            BoundaryTag.SetPrev(placed, header);
        }
        ShapeUsedBlock(placed, end, request);
        return placed;
    }

    /// <summary>
    /// Makes the used block at <paramref name="header"/> span up to <paramref name="end"/>, less a tail returned
    /// to the tree when one of at least <see cref="BoundaryTag.MinSplit"/> bytes is left over. Returns its size.
    /// </summary>
    private nint ShapeUsedBlock(nint header, nint end, nint request)
    {
        nint size = end - header - BoundaryTag.Size;
        if (size - request >= BoundaryTag.MinSplit)
        {
            nint tail = header + BoundaryTag.Size + request;
            BoundaryTag.SetPrev(tail, header);
            BoundaryTag.SetUsed(header, request);
            ReleaseRange(tail, end);
            return request;
        }
        BoundaryTag.SetUsed(header, size);
        BoundaryTag.SetPrev(end, header);
        return size;
    }

    /// <summary>Frees the block at <paramref name="header"/>, merging it with free neighbours.</summary>
    private void Release(nint header) => ReleaseRange(header, BoundaryTag.Next(header));

    /// <summary>
    /// Makes [<paramref name="header"/>, <paramref name="end"/>) a free block, merged with a free block on either
    /// side, and adds it to the tree. The header's previous link must already be right.
    /// </summary>
    private void ReleaseRange(nint header, nint end)
    {
        if (!BoundaryTag.IsUsed(end))
        {
            RemoveFree(BoundaryTag.Memory(end));
            end = BoundaryTag.Next(end);
        }
        nint previous = BoundaryTag.Prev(header);
        if (!BoundaryTag.IsUsed(previous))
        {
            // The block's own header is left inside the merged block: marked free, so that freeing the block again is
            // refused (see Free) rather than read as a live block. It lies past the neighbour's tree node.
            BoundaryTag.SetFree(header, BoundaryTag.BlockSize(header));
            RemoveFree(BoundaryTag.Memory(previous));
            header = previous;
        }
        BoundaryTag.SetFree(header, end - header - BoundaryTag.Size);
        BoundaryTag.SetPrev(end, header);
        InsertFree(BoundaryTag.Memory(header));
        if (IsWholeChunk(header))
            ChunkEmptied((ChunkHeader*)(header - FirstBlockOffset));
    }

    // Under the lock: the chunk's last used block has just been freed.
    private void ChunkEmptied(ChunkHeader* chunk)
    {
        _emptyChunks++;
        if (_retentionTicks < 0)
            return;
        chunk->EmptySince = Stopwatch.GetTimestamp();
        _nextExpiry = Math.Min(_nextExpiry, chunk->EmptySince + _retentionTicks);
    }

    /// <summary>Takes a new chunk from the OS; returns the header of its one free block (not yet in the tree), or 0.</summary>
    private nint AddChunk()
    {
        nint chunk = OSSchema.AllocateBlock(_chunkSize, _chunkSize);
        if (chunk == 0)
            return 0;

        var header = (ChunkHeader*)chunk;
        header->Region.Kind = RegionKind.Chunk;
        header->Region.Pages = default;
        header->Previous = 0;
        header->Next = _chunks;
        if (_chunks != 0)
            ((ChunkHeader*)_chunks)->Previous = chunk;
        _chunks = chunk;
        _reservedBytes += _chunkSize;

        nint front = chunk + FrontFenceOffset;
        nint first = chunk + FirstBlockOffset;
        nint back = chunk + _chunkSize - BoundaryTag.Size;
        BoundaryTag.Write(front, prev: 0, size: 0, used: true);
        BoundaryTag.Write(first, prev: front, size: back - first - BoundaryTag.Size, used: false);
        BoundaryTag.Write(back, prev: first, size: 0, used: true);
        return first;
    }

    private void Unlink(nint chunk)
    {
        var header = (ChunkHeader*)chunk;
        if (header->Previous != 0)
            ((ChunkHeader*)header->Previous)->Next = header->Next;
        else
            _chunks = header->Next;
        if (header->Next != 0)
            ((ChunkHeader*)header->Next)->Previous = header->Previous;
    }
}
