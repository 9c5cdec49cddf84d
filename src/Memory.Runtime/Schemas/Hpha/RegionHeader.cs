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
/// placed one region below the pointer). That single masked read tells what kind of block a pointer is,
/// with certainty, without a search and without a header in front of small blocks.
/// </summary>
/// <remarks>8-byte slots on every platform so that offsets do not depend on pointer size.</remarks>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct RegionHeader
{
    /// <summary>The region's kind.</summary>
    [FieldOffset(0)] public RegionKind Kind;

    /// <summary>
    /// One bit per page of the region: set when that page is a small-block page. Written under the tree
    /// heap's lock; read without it by frees, which is safe because the bit of a page holding a live block
    /// cannot change until that block is freed. Always 0 for big blocks.
    /// </summary>
    [FieldOffset(8)] public ulong SmallPages;
}

/// <summary>The header of a tree heap chunk: the region header and the links of the heap's chunk list.</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct ChunkHeader
{
    [FieldOffset(0)] public RegionHeader Region;
    [FieldOffset(16)] public nint Next;
    [FieldOffset(24)] public nint Previous;
}

/// <summary>The header of a big block: the region header and where the OS block begins and ends.</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct BigBlockHeader
{
    [FieldOffset(0)] public RegionHeader Region;

    /// <summary>The block as the OS returned it; what is given back to it.</summary>
    [FieldOffset(16)] public nint Base;

    /// <summary>One past the last byte of the OS block: the end of the usable memory.</summary>
    [FieldOffset(24)] public nint End;
}
