using System.Numerics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Memory.Schemas.Hpha;

/// <summary>
/// The tree heap's free blocks of up to <see cref="MaxSize"/> bytes, in one list per exact size (16 bytes
/// apart) with a bitmap of the lists that are not empty: the smallest free block that fits is found with a
/// few bit scans instead of a walk down the red-black tree.
/// </summary>
/// <remarks>
/// Medium blocks are the bulk of a tree heap's traffic, and a tree walk touches one node per level, each
/// likely in another cache line; a bin touches the list head, the block and its list neighbour. Fit is
/// still best by size: the first non-empty bin at or above the request holds the smallest free block that
/// fits, and only when no bin does is the tree asked. Blocks merge with free neighbours before they are
/// binned, as in the tree, so binning defers nothing. Node layout in the free block's memory:
/// <c>[n + 0]</c> next, <c>[n + 8]</c> previous. Not thread-safe: the tree heap's lock covers it.
/// </remarks>
internal unsafe struct FreeBlockBins
{
    /// <summary>The largest block size kept in a bin; larger free blocks go to the tree.</summary>
    public const int MaxSize = 8192;

    private const int Shift = 4; // 16-byte size spacing
    private const int BinCount = (MaxSize >> Shift) + 1;
    private const int WordCount = (BinCount + 63) / 64;

    private Heads _heads;
    private Bits _bits;
    private int _count;

    /// <summary>The number of blocks in the bins.</summary>
    public readonly int Count => _count;

    /// <summary>Adds a free block (its size is at most <see cref="MaxSize"/>).</summary>
    public void Insert(nint node)
    {
        int bin = (int)(FreeBlockTree.KeyOf(node) >> Shift);
        ref nint head = ref HeadAt(bin);
        *(nint*)node = head;
        *(nint*)(node + 8) = 0;
        if (head != 0)
            *(nint*)(head + 8) = node;
        else
            WordAt(bin >> 6) |= 1UL << bin;
        head = node;
        _count++;
    }

    /// <summary>Removes a block that is in a bin.</summary>
    public void Remove(nint node)
    {
        nint next = *(nint*)node;
        nint previous = *(nint*)(node + 8);
        if (next != 0)
            *(nint*)(next + 8) = previous;
        if (previous != 0)
        {
            *(nint*)previous = next;
        }
        else
        {
            int bin = (int)(FreeBlockTree.KeyOf(node) >> Shift);
            HeadAt(bin) = next;
            if (next == 0)
                WordAt(bin >> 6) &= ~(1UL << bin);
        }
        _count--;
    }

    /// <summary>A block of the smallest binned size that is at least <paramref name="size"/>, or 0 when no bin has one.</summary>
    public nint FindAtLeast(nint size)
    {
        int bin = (int)((size + (1 << Shift) - 1) >> Shift);
        bin = NextNonEmpty(bin);
        return bin < 0 ? 0 : HeadAt(bin);
    }

    /// <summary>The first non-empty bin at or after <paramref name="bin"/>, or -1.</summary>
    public int NextNonEmpty(int bin)
    {
        if (bin >= BinCount)
            return -1;
        int word = bin >> 6;
        ulong bits = WordAt(word) & (ulong.MaxValue << bin); // C# masks the shift count to 0..63
        while (bits == 0)
        {
            if (++word == WordCount)
                return -1;
            bits = WordAt(word);
        }
        return (word << 6) + BitOperations.TrailingZeroCount(bits);
    }

    /// <summary>The first block of bin <paramref name="bin"/>.</summary>
    public nint Head(int bin) => HeadAt(bin);

    /// <summary>The block after <paramref name="node"/> in its bin, or 0.</summary>
    public static nint Next(nint node) => *(nint*)node;

    /// <summary>The bin a free block of <paramref name="size"/> bytes belongs in.</summary>
    public static int BinOf(nint size) => (int)(size >> Shift);

    /// <summary>Checks the lists, the bitmap and the count; null when they agree.</summary>
    public string? Validate()
    {
        int total = 0;
        for (int bin = 0; bin < BinCount; bin++)
        {
            bool bit = (WordAt(bin >> 6) & (1UL << bin)) != 0;
            nint head = HeadAt(bin);
            if (bit != (head != 0))
                return $"bin {bin}: bitmap says {(bit ? "full" : "empty")}, list says otherwise";
            nint previous = 0;
            for (nint node = head; node != 0; node = *(nint*)node)
            {
                if (*(nint*)(node + 8) != previous)
                    return $"bin {bin}: node 0x{node:X} has a wrong previous link";
                if (BinOf(FreeBlockTree.KeyOf(node)) != bin)
                    return $"bin {bin}: node 0x{node:X} of size {FreeBlockTree.KeyOf(node)} is in the wrong bin";
                if (BoundaryTag.IsUsed(BoundaryTag.HeaderOf(node)))
                    return $"bin {bin}: node 0x{node:X} is a used block";
                previous = node;
                total++;
            }
        }
        return total == _count ? null : $"count {_count} but {total} blocks in the bins";
    }

    [UnscopedRef]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref nint HeadAt(int bin) => ref Unsafe.Add(ref Unsafe.As<Heads, nint>(ref _heads), bin);

    [UnscopedRef]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref ulong WordAt(int word) => ref Unsafe.Add(ref Unsafe.As<Bits, ulong>(ref _bits), word);

    [InlineArray(BinCount)]
    private struct Heads
    {
        private nint _element0;
    }

    [InlineArray(WordCount)]
    private struct Bits
    {
        private ulong _element0;
    }
}
