using System.Numerics;
using System.Runtime.CompilerServices;

namespace Memory.Schemas;

/// <summary>
/// The block sizes <see cref="HeapSchema"/> serves from chunks: 16-byte steps to 128 bytes, then four
/// classes per doubling up to <see cref="MaxSmallSize"/> (at most 25% waste).
/// </summary>
/// <remarks>
/// Blocks of a class start at <see cref="BlockOffset"/> in their chunk, a multiple of the largest power of
/// two dividing the class size, so every block of a class is aligned to that power of two
/// (<see cref="Alignment"/>). A request for a larger alignment moves up to the first class aligned enough.
/// </remarks>
internal static class HeapSizeClasses
{
    /// <summary>The largest size served from chunks; larger requests get blocks of their own.</summary>
    public const int MaxSmallSize = 8192;

    /// <summary>The alignment every block has: the default alignment.</summary>
    public const int MinAlignment = 16;

    private static readonly int[] Sizes = BuildSizes();
    private static readonly byte[] ClassBySixteenths = BuildLookup(Sizes);
    private static readonly int[] Alignments = Sizes.Select(size => 1 << BitOperations.TrailingZeroCount(size)).ToArray();
    private static readonly int[] BlockOffsets = Alignments.Select(a => Math.Max(a, HeapChunk.HeaderSize)).ToArray();
    private static readonly int[] BlocksPerChunk = Sizes.Select((size, i) => (HeapChunk.Size - BlockOffsets[i]) / size).ToArray();

    /// <summary>How many classes there are.</summary>
    public static int Count => Sizes.Length;

    /// <summary>The block size of a class.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeOf(int sizeClass) => Sizes[sizeClass];

    /// <summary>The alignment every block of a class has.</summary>
    public static int Alignment(int sizeClass) => Alignments[sizeClass];

    /// <summary>Where the first block of a class starts in its chunk.</summary>
    public static int BlockOffset(int sizeClass) => BlockOffsets[sizeClass];

    /// <summary>How many blocks of a class one chunk holds.</summary>
    public static int BlocksPerChunkOf(int sizeClass) => BlocksPerChunk[sizeClass];

    /// <summary>The class for a request, or -1 when it is served as a large block.</summary>
    /// <param name="size">The size asked for; 0 gets the smallest class.</param>
    /// <param name="alignment">0 or a power of two.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int For(nint size, nint alignment)
    {
        if ((nuint)size > MaxSmallSize)
            return -1;
        int sizeClass = ClassBySixteenths[(int)(size + MinAlignment - 1) >> 4];
        return alignment <= MinAlignment ? sizeClass : MoreAligned(sizeClass, alignment);
    }

    private static int MoreAligned(int sizeClass, nint alignment)
    {
        while (sizeClass < Sizes.Length && Alignments[sizeClass] < alignment)
            sizeClass++;
        return sizeClass < Sizes.Length ? sizeClass : -1;
    }

    private static int[] BuildSizes()
    {
        var sizes = new List<int>();
        for (int size = MinAlignment; size <= 128; size += MinAlignment)
            sizes.Add(size);
        for (int power = 128; power < MaxSmallSize; power *= 2)
        {
            for (int quarter = 5; quarter <= 8; quarter++)
                sizes.Add(power / 4 * quarter);
        }
        return sizes.ToArray();
    }

    private static byte[] BuildLookup(int[] sizes)
    {
        // Entry i is the smallest class holding 16 * i bytes (entry 0 serves size 0).
        var lookup = new byte[MaxSmallSize / MinAlignment + 1];
        int sizeClass = 0;
        for (int i = 0; i < lookup.Length; i++)
        {
            while (sizes[sizeClass] < i * MinAlignment)
                sizeClass++;
            lookup[i] = (byte)sizeClass;
        }
        return lookup;
    }
}
