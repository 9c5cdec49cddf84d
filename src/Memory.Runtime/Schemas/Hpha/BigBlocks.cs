using Memory.Internal;

namespace Memory.Schemas.Hpha;

/// <summary>
/// Requests above the tree heap's threshold, each its own region straight from the OS and returned to it on
/// free: caching them would hold memory the size of the largest requests for little gain, since a block
/// this large costs far more to fill than to obtain.
/// </summary>
/// <remarks>
/// The region is aligned to the heap's region size and starts with a <see cref="BigBlockHeader"/>, so the
/// same masked read that classifies every pointer finds it. For alignments of a whole region or more the
/// pointer lands on a region boundary; the header is then written one region below the pointer, which is
/// still inside the OS block (the padding in front of the pointer is at least one region).
/// Counts are updated with interlocked instructions; there is no lock.
/// </remarks>
internal unsafe struct BigBlocks
{
    /// <summary>Bytes reserved in front of the block's memory for its header.</summary>
    private const int HeaderRoom = 32;

    /// <summary>OS blocks are rounded to whole OS pages: the OS hands out no less.</summary>
    private const int OSPageSize = 4096;

    private long _allocatedBytes;
    private long _reservedBytes;

    public long AllocatedBytes => Volatile.Read(ref _allocatedBytes);

    public long ReservedBytes => Volatile.Read(ref _reservedBytes);

    /// <summary>Allocates a big block; <paramref name="size"/> has been checked against the heap's maximum.</summary>
    public nint Allocate(nint size, nint alignment, nint regionSize)
    {
        // With the OS block aligned to the region size, the pointer sits exactly `front` bytes in for
        // alignments up to a region; beyond that it is at most `alignment` bytes in.
        nint front = Math.Max(HeaderRoom, alignment);
        nint total = AlignmentMath.AlignUp(front + size, OSPageSize);
        nint block = OSSchema.AllocateBlock(total, regionSize);
        if (block == 0)
            return 0;

        nint pointer = AlignmentMath.AlignUp(block + HeaderRoom, Math.Max(alignment, BoundaryTag.Granularity));
        var header = (BigBlockHeader*)((pointer - 1) & ~(regionSize - 1));
        header->Region.Kind = RegionKind.Big;
        header->Region.SmallPages = 0;
        header->Base = block;
        header->End = block + total;
        Interlocked.Add(ref _allocatedBytes, header->End - pointer);
        Interlocked.Add(ref _reservedBytes, total);
        return pointer;
    }

    /// <summary>Returns a big block to the OS.</summary>
    public void Free(nint pointer, BigBlockHeader* header)
    {
        Interlocked.Add(ref _allocatedBytes, -(header->End - pointer));
        Interlocked.Add(ref _reservedBytes, -(header->End - header->Base));
        OSSchema.FreeBlock(header->Base);
    }

    /// <summary>The usable size: everything from the pointer to the end of the OS block.</summary>
    public static nint BlockSize(nint pointer, BigBlockHeader* header) => header->End - pointer;
}
