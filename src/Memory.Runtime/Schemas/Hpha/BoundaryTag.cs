using System.Runtime.CompilerServices;

namespace Memory.Schemas.Hpha;

/// <summary>
/// The 16-byte header in front of every block the tree heap manages, free or used: the address of the
/// previous block's header and this block's size with a used flag. Knowing both neighbours in O(1) is
/// what lets a free merge with them (boundary tags, Knuth) without searching.
/// </summary>
/// <remarks>
/// Layout at header address <c>h</c>: <c>[h + 0]</c> previous header, <c>[h + 8]</c> size | flags. The block's
/// memory starts at <c>h + 16</c> and the next header follows it at <c>h + 16 + size</c>. Sizes are multiples of
/// 16, which keeps every block 16-byte aligned and frees the low bits for flags. The words sit in 8-byte
/// slots on every platform so that the layout, and the arithmetic below, do not depend on pointer size.
/// </remarks>
internal static unsafe class BoundaryTag
{
    /// <summary>Bytes of the header in front of each block.</summary>
    public const int Size = 16;

    /// <summary>Block sizes are multiples of this, and blocks are aligned to it.</summary>
    public const int Granularity = 16;

    /// <summary>The smallest block: a free block must hold its red-black tree node.</summary>
    public const int MinBlockSize = 32;

    /// <summary>A remainder smaller than this cannot become a block of its own (header plus minimum block).</summary>
    public const int MinSplit = Size + MinBlockSize;

    private const nint UsedFlag = 1;
    private const nint FlagMask = Granularity - 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Prev(nint header) => *(nint*)header;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetPrev(nint header, nint prev) => *(nint*)header = prev;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint BlockSize(nint header) => *(nint*)(header + 8) & ~FlagMask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsUsed(nint header) => (*(nint*)(header + 8) & UsedFlag) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Next(nint header) => header + Size + BlockSize(header);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Memory(nint header) => header + Size;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint HeaderOf(nint memory) => memory - Size;

    /// <summary>Writes a used block of <paramref name="size"/> bytes at <paramref name="header"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetUsed(nint header, nint size) => *(nint*)(header + 8) = size | UsedFlag;

    /// <summary>Writes a free block of <paramref name="size"/> bytes at <paramref name="header"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetFree(nint header, nint size) => *(nint*)(header + 8) = size;

    /// <summary>Writes a complete header: previous block, size and flag.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(nint header, nint prev, nint size, bool used)
    {
        *(nint*)header = prev;
        *(nint*)(header + 8) = used ? size | UsedFlag : size;
    }
}
