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
/// The start of every region the heap takes from the OS: its kind and its page map. Regions are aligned to the region
/// size, so the header of the region holding any pointer the heap handed out is at
/// <c>(pointer - 1) &amp; ~(regionSize - 1)</c> (the <c>- 1</c> matters only for big blocks with alignments of a whole
/// region or more, whose header is placed one region below the pointer). One byte of that header's page map tells
/// whether a pointer is a small block and of which bucket, with certainty, without a search and without a header in
/// front of small blocks; the kind tells a tree block from a big one.
/// </summary>
/// <remarks>
/// <para>
/// The page map is why a free of a small block never reads its page's header: that header's counts and free list are
/// written on every refill and flush of a thread cache, by whichever thread does them, so a read of it on every free
/// would pull its cache line from another core. The map is written only when a page is given to a bucket or taken
/// back, and a chunk's map is a few lines read by every free into the chunk, so it stays in cache.
/// </para>
/// <para>
/// Big blocks carry a map of zeros, so that a free reads the map first, whatever the region: a pointer's offset in its
/// region is at most one region (a block aligned to a region or more sits exactly one region above its header), so its
/// entry is always one of the <see cref="MaxPages"/> + 1. 8-byte slots on every platform so that offsets do not depend on
/// pointer size.
/// </para>
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct RegionHeader
{
    /// <summary>The most pages a chunk has.</summary>
    public const int MaxPages = 256;

    /// <summary>
    /// The header's size in bytes: the kind and the map, rounded up to the blocks' granularity, so that the chunk and
    /// big-block headers that extend it by 16 bytes end where the first block may begin.
    /// </summary>
    public const int Size = (8 + MaxPages + 1 + BoundaryTag.Granularity - 1) & ~(BoundaryTag.Granularity - 1);

    /// <summary>The region's kind.</summary>
    [FieldOffset(0)] public RegionKind Kind;

    /// <summary>
    /// One byte per page of the region: the page's bucket index plus one when it is a small-block page, else 0 (always 0
    /// in a big block's region). Written under the tree heap's lock; read without it by frees, which is safe because the
    /// entry of a page holding a live block cannot change until that block is freed.
    /// </summary>
    [FieldOffset(8)] public PageMap Pages;

    /// <summary>
    /// The page map's entry for page <paramref name="index"/>, at most <see cref="MaxPages"/>: read on every free, so
    /// without the bounds check of <see cref="Pages"/>' indexer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly byte PageEntry(nint index) => Unsafe.Add(ref Unsafe.AsRef(in Pages[0]), index);

    [InlineArray(MaxPages + 1)]
    public struct PageMap
    {
        private byte _element0;
    }
}

/// <summary>
/// The header of a tree heap chunk: the region header, the links of the heap's chunk list, and when the chunk last
/// became empty.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct ChunkHeader
{
    /// <summary>The header's size in bytes: 24 bytes past the region header, rounded up to the blocks' granularity.</summary>
    public const int Size = RegionHeader.Size + 32;

    // At the end, past the page map, so the links sit apart from the lines every free reads.
    [FieldOffset(0)] public RegionHeader Region;
    [FieldOffset(RegionHeader.Size)] public nint Next;
    [FieldOffset(RegionHeader.Size + 8)] public nint Previous;

    /// <summary>The <see cref="System.Diagnostics.Stopwatch"/> timestamp at which the chunk's last used block was freed; meaningful only while it holds none.</summary>
    [FieldOffset(RegionHeader.Size + 16)] public long EmptySince;
}

/// <summary>The header of a big block: the region header (its page map all zeros) and where the OS block begins and ends.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct BigBlockHeader
{
    /// <summary>The header's size in bytes.</summary>
    public const int Size = RegionHeader.Size + 16;

    [FieldOffset(0)] public RegionHeader Region;

    /// <summary>The block as the OS returned it; what is given back to it.</summary>
    [FieldOffset(RegionHeader.Size)] public nint Base;

    /// <summary>One past the last byte of the OS block: the end of the usable memory.</summary>
    [FieldOffset(RegionHeader.Size + 8)] public nint End;
}
