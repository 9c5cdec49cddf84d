using Memory.Internal;

namespace Memory.Schemas.Hpha;

/// <summary>
/// Requests above the tree heap's threshold, each its own region from a <see cref="RegionCache"/>: from the
/// OS, or a freed big block's region kept for reuse (up to <see cref="HphaOptions.BigBlockCacheSize"/> bytes).
/// </summary>
/// <remarks>
/// The region is aligned to the heap's region size and starts with a <see cref="BigBlockHeader"/>, so the
/// same masked read that classifies every pointer finds it. For alignments of a whole region or more the
/// pointer lands on a region boundary; the header is then written one region below the pointer, which is
/// still inside the OS block (the padding in front of the pointer is at least one region). The allocated
/// count is updated with interlocked instructions; the region cache has its own lock.
/// </remarks>
internal unsafe struct BigBlocks
{
    /// <summary>Bytes reserved in front of the block's memory for its header (a multiple of the blocks' granularity).</summary>
    private const int HeaderRoom = BigBlockHeader.Size;

    private long _allocatedBytes;
    private long _allocations;
    private long _frees;
    private RegionCache _regions;

    public BigBlocks(nint regionSize, long keepLimit) => _regions = new RegionCache(regionSize, keepLimit);

    public long AllocatedBytes => Volatile.Read(ref _allocatedBytes);

    /// <summary>Big blocks allocated, ever.</summary>
    public long Allocations => Volatile.Read(ref _allocations);

    /// <summary>Big blocks freed, ever.</summary>
    public long Frees => Volatile.Read(ref _frees);

    /// <summary>Bytes held from the OS: live big blocks and kept regions.</summary>
    public long ReservedBytes => _regions.ReservedBytes;

    /// <summary>Allocates a big block; <paramref name="size"/> has been checked against the heap's maximum.</summary>
    public nint Allocate(nint size, nint alignment, nint regionSize)
    {
        // With the OS block aligned to the region size, the pointer sits exactly `front` bytes in for
        // alignments up to a region (the header's room rounded up to the alignment); beyond that it is at most
        // `alignment` bytes in.
        nint front = AlignmentMath.AlignUp(HeaderRoom, Math.Max(alignment, BoundaryTag.Granularity));
        nint block = _regions.Allocate(front + size, regionSize, out nint total);
        if (block == 0)
            return 0;

        nint pointer = AlignmentMath.AlignUp(block + HeaderRoom, Math.Max(alignment, BoundaryTag.Granularity));
        var header = (BigBlockHeader*)((pointer - 1) & ~(regionSize - 1));
        header->Region.Kind = RegionKind.Big;
        header->Region.Pages = default;  // no page of a big block is a small-block page
        header->Base = block;
        header->End = block + total;
        Interlocked.Add(ref _allocatedBytes, header->End - pointer);
        Interlocked.Increment(ref _allocations);
        return pointer;
    }

    /// <summary>Frees a big block: its region is kept for reuse or returned to the OS.</summary>
    public void Free(nint pointer, BigBlockHeader* header)
    {
        Interlocked.Add(ref _allocatedBytes, -(header->End - pointer));
        Interlocked.Increment(ref _frees);
        _regions.Free(header->Base, header->End - header->Base);
    }

    /// <summary>Returns every kept region to the OS.</summary>
    public void GarbageCollect() => _regions.GarbageCollect();

    /// <summary>The usable size: everything from the pointer to the end of the OS block.</summary>
    public static nint BlockSize(nint pointer, BigBlockHeader* header) => header->End - pointer;
}
