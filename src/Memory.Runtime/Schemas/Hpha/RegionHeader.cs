using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Memory.Schemas.Hpha;

/// <summary>What a region taken from the OS is used for.</summary>
internal enum RegionKind : long
{
    /// <summary>A chunk of the tree heap: tree blocks and small-block pages.</summary>
    Chunk = 0x4B4E554843, // "CHUNK"

    /// <summary>One big block straight from the OS.</summary>
    Big = 0x474942, // "BIG"
}

/// <summary>
/// The start of every region the heap takes from the OS. Regions are aligned to the region size, so the
/// header of the region holding any pointer the heap handed out is at <c>(pointer - 1) &amp; ~(regionSize - 1)</c>
/// (the <c>- 1</c> matters only for big blocks with alignments of a whole region or more, whose header is
/// placed one region below the pointer). That masked read, and for a chunk its page map, tell what kind of block a
/// pointer is, with certainty, without a search and without a header in front of small blocks.
/// </summary>
/// <remarks>8-byte slots on every platform so that offsets do not depend on pointer size.</remarks>
[StructLayout(LayoutKind.Explicit, Size = 8)]
internal struct RegionHeader
{
    /// <summary>The region's kind.</summary>
    [FieldOffset(0)] public RegionKind Kind;
}

/// <summary>
/// The header of a tree heap chunk: the region header, the links of the heap's chunk list and the page map, which
/// tells for each page of the chunk whether it is a small-block page and of which bucket.
/// </summary>
/// <remarks>
/// The page map is why a free of a small block never reads its page's header: that header's counts and free list are
/// written on every refill and flush of a thread cache, by whichever thread does them, so a read of it on every free
/// would pull its cache line from another core. The map is written only when a page is given to a bucket or taken
/// back, and a chunk's map is a few lines read by every free into the chunk, so it stays in cache.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct ChunkHeader
{
    /// <summary>The most pages a chunk has (the page map's length).</summary>
    public const int MaxPages = 256;

    /// <summary>The header's size in bytes.</summary>
    public const int Size = 24 + MaxPages;

    [FieldOffset(0)] public RegionHeader Region;
    [FieldOffset(8)] public nint Next;
    [FieldOffset(16)] public nint Previous;

    /// <summary>
    /// One byte per page of the chunk: the page's bucket index plus one when it is a small-block page, else 0.
    /// Written under the tree heap's lock; read without it by frees, which is safe because the entry of a page holding
    /// a live block cannot change until that block is freed.
    /// </summary>
    [FieldOffset(24)] public PageMap Pages;

    [InlineArray(MaxPages)]
    public struct PageMap
    {
        private byte _element0;
    }
}

/// <summary>The header of a big block: the region header and where the OS block begins and ends.</summary>
[StructLayout(LayoutKind.Explicit, Size = 24)]
internal struct BigBlockHeader
{
    [FieldOffset(0)] public RegionHeader Region;

    /// <summary>The block as the OS returned it; what is given back to it.</summary>
    [FieldOffset(8)] public nint Base;

    /// <summary>One past the last byte of the OS block: the end of the usable memory.</summary>
    [FieldOffset(16)] public nint End;
}
