namespace Memory.Schemas;

/// <summary>
/// Best fit over the offsets <c>[0, length)</c> of a range whose memory is never touched: every fact about
/// a block (free or allocated, its length, its neighbours) lives here, in managed collections.
/// </summary>
/// <remarks>
/// Free blocks are kept maximal: a freed block merges with a free neighbour on either side, so two free
/// blocks are never adjacent. That makes coalescing two hash lookups, by start offset (the right neighbour)
/// and by end offset (the left neighbour); only the order by size, for best fit, needs a tree.
/// Offsets and lengths are multiples of the granule. Not thread-safe: <see cref="BestFitExternalSchema"/> locks.
/// </remarks>
internal sealed class ExternalBlockMap
{
    /// <summary>Returned by <see cref="Allocate"/> and <see cref="TryResize"/> when the request cannot be met.</summary>
    public const long Failed = -1;

    private readonly long _usableLength;
    private readonly long _granule;
    private readonly FreeBlocksBySize _freeBySize = new();
    private readonly Dictionary<long, long> _freeLengthByStart = [];
    private readonly Dictionary<long, long> _freeStartByEnd = [];
    private readonly Dictionary<long, long> _allocatedLengthByStart = [];

    /// <summary>Creates the map with the whole range free.</summary>
    /// <param name="length">The length of the range in bytes.</param>
    /// <param name="granule">The smallest unit handed out; a power of two. Offsets and lengths are its multiples.</param>
    public ExternalBlockMap(long length, long granule)
    {
        _granule = granule;
        _usableLength = length & ~(granule - 1);
        if (_usableLength > 0)
            AddFree(0, _usableLength);
    }

    /// <summary>The bytes that can be handed out: the length rounded down to the granule.</summary>
    public long UsableLength => _usableLength;

    /// <summary>Lengths of the allocated blocks, summed.</summary>
    public long AllocatedBytes { get; private set; }

    /// <summary>How many free blocks there are; 1 when nothing is allocated.</summary>
    public int FreeBlockCount => _freeBySize.Count;

    /// <summary>The largest block that an allocation with the granule's alignment could get.</summary>
    public long LargestFreeBlock => _freeBySize.LargestSize;

    /// <summary>How many blocks are allocated.</summary>
    public int AllocatedBlockCount => _allocatedLengthByStart.Count;

    /// <summary>Allocates the smallest free block that fits <paramref name="size"/> at <paramref name="alignment"/>.</summary>
    /// <returns>The block's offset, aligned to <paramref name="alignment"/>, or <see cref="Failed"/>.</returns>
    public long Allocate(long size, long alignment)
    {
        if (size > _usableLength)
            return Failed;
        long length = RoundToGranule(size);
        alignment = Math.Max(alignment, _granule);

        // Walk the free blocks from the smallest that could hold the length upwards; the first one that
        // still fits after aligning its start is the best fit.
        long hole;
        long holeLength;
        long padding;
        long searchSize = length;
        long searchOffset = 0;
        while (true)
        {
            if (!_freeBySize.TryFindAtLeast(searchSize, searchOffset, out holeLength, out hole))
                return Failed;
            padding = (alignment - (hole & (alignment - 1))) & (alignment - 1);
            if (padding <= holeLength - length)
                break;
            searchSize = holeLength;
            searchOffset = hole + 1;
        }

        long start = hole + padding;
        RemoveFree(hole, holeLength);

        // What alignment skipped and what the block leaves over stay free. Neither touches another free
        // block: the hole was maximal, so its neighbours are allocated.
        if (padding > 0)
            AddFree(hole, padding);
        long tail = hole + holeLength - (start + length);
        if (tail > 0)
            AddFree(start + length, tail);

        _allocatedLengthByStart.Add(start, length);
        AllocatedBytes += length;
        return start;
    }

    /// <summary>Frees the block at <paramref name="offset"/>, merging it with free neighbours.</summary>
    /// <returns>False when no block is allocated at that offset.</returns>
    public bool Free(long offset)
    {
        if (!_allocatedLengthByStart.Remove(offset, out long length))
            return false;
        AllocatedBytes -= length;
        AddFreeCoalescing(offset, length);
        return true;
    }

    /// <summary>The length of the block allocated at <paramref name="offset"/>, or <see cref="Failed"/>.</summary>
    public long LengthOf(long offset)
        => _allocatedLengthByStart.TryGetValue(offset, out long length) ? length : Failed;

    /// <summary>
    /// Resizes the block at <paramref name="offset"/> without moving it: shrinking gives the tail back,
    /// growing takes from a free right neighbour.
    /// </summary>
    /// <returns>The offset (unchanged) on success; <see cref="Failed"/> when it would have to move.</returns>
    public long TryResize(long offset, long newSize, long alignment)
    {
        if (!_allocatedLengthByStart.TryGetValue(offset, out long length))
            return Failed;
        if ((offset & (Math.Max(alignment, _granule) - 1)) != 0 || newSize > _usableLength)
            return Failed;

        long newLength = RoundToGranule(newSize);
        if (newLength < length)
        {
            _allocatedLengthByStart[offset] = newLength;
            AllocatedBytes -= length - newLength;
            AddFreeCoalescing(offset + newLength, length - newLength);
        }
        else if (newLength > length)
        {
            long end = offset + length;
            long needed = newLength - length;
            if (!_freeLengthByStart.TryGetValue(end, out long rightLength) || rightLength < needed)
                return Failed;
            RemoveFree(end, rightLength);
            if (rightLength > needed)
                AddFree(end + needed, rightLength - needed);
            _allocatedLengthByStart[offset] = newLength;
            AllocatedBytes += needed;
        }
        return offset;
    }

    /// <summary>The free blocks as (offset, length), in address order; for tests and diagnostics.</summary>
    public IReadOnlyList<(long Offset, long Length)> FreeBlocks()
        => _freeLengthByStart.Select(pair => (pair.Key, pair.Value)).OrderBy(block => block.Key).ToArray();

    private long RoundToGranule(long size) => size == 0 ? _granule : AlignUp(size, _granule);

    private static long AlignUp(long value, long alignment) => (value + alignment - 1) & ~(alignment - 1);

    private void AddFreeCoalescing(long start, long length)
    {
        long end = start + length;
        if (_freeStartByEnd.TryGetValue(start, out long leftStart))
        {
            RemoveFree(leftStart, start - leftStart);
            start = leftStart;
        }
        if (_freeLengthByStart.TryGetValue(end, out long rightLength))
        {
            RemoveFree(end, rightLength);
            end += rightLength;
        }
        AddFree(start, end - start);
    }

    private void AddFree(long start, long length)
    {
        _freeLengthByStart.Add(start, length);
        _freeStartByEnd.Add(start + length, start);
        _freeBySize.Add(length, start);
    }

    private void RemoveFree(long start, long length)
    {
        _freeLengthByStart.Remove(start);
        _freeStartByEnd.Remove(start + length);
        _freeBySize.Remove(length, start);
    }
}
