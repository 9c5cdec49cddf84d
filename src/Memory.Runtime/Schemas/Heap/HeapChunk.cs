using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Memory.Schemas;

/// <summary>
/// The native header at the start of every region <see cref="HeapSchema"/> takes from the OS: a chunk of
/// small blocks of one size class, or the region of one large block.
/// </summary>
/// <remarks>
/// Regions are aligned to <see cref="Size"/>, and every block starts after its region's header and less
/// than <see cref="Size"/> past it, so the header of any block is <c>(pointer - 1)</c> rounded down to
/// <see cref="Size"/>: a free needs no size, no lookup and no per-block header. A large block with an
/// alignment above <see cref="Size"/> has its header one chunk below the block, inside the same region.
/// The small-block fields are guarded by the size class's lock in <see cref="HeapCentral"/>; the identity
/// fields are written once, before any block of the region is handed out.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal struct HeapChunk
{
    /// <summary>The size and alignment of a chunk: 64 KiB.</summary>
    public const int Size = 64 * 1024;

    /// <summary>Bytes reserved for the header at the start of a region: two cache lines.</summary>
    public const int HeaderSize = 128;

    public const int SmallKind = 0x5C;
    public const int LargeKind = 0x1A;

    // Identity, written once.
    public nint HeapTag;
    public int Kind;
    public int SizeClass;

    // A chunk of small blocks: its own free list, the part never handed out yet, and its place in the
    // central lists. Guarded by the size class's lock.
    public nint FreeList;
    public nint Unused;
    public int UsedBlocks;
    public int ListState;
    public nint Previous;
    public nint Next;

    // A large block: the OS block to give back and the usable size.
    public nint Region;
    public nint LargeSize;

    /// <summary>The header of the region holding <paramref name="block"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe HeapChunk* Of(nint block) => (HeapChunk*)((block - 1) & ~(nint)(Size - 1));

    /// <summary>Reads the intrusive link stored in the first word of a free block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe nint NextOf(nint freeBlock) => *(nint*)freeBlock;

    /// <summary>Marks a block free with the heap's key in its second word (every block is at least 16 bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void SetKey(nint freeBlock, nint key) => ((nint*)freeBlock)[1] = key;

    /// <summary>Clears the key of a block being handed out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void ClearKey(nint block) => ((nint*)block)[1] = 0;

    /// <summary>Writes the intrusive link of a free block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void SetNext(nint freeBlock, nint next) => *(nint*)freeBlock = next;
}
