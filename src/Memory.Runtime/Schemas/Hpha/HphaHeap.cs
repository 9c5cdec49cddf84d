using System.Numerics;
using System.Runtime.CompilerServices;
using Memory.Internal;

namespace Memory.Schemas.Hpha;

/// <summary>
/// The shared state behind an <see cref="HphaSchema"/> and the routing between its three parts: small-block
/// buckets, the tree heap and big blocks. One object, so the parts sit together and the schema struct that
/// refers to it can be copied freely.
/// </summary>
internal sealed unsafe class HphaHeap
{
    // Fields rather than properties: the parts are structs whose methods must run on the stored instance.
    public SmallBlockBuckets Small;
    public TreeHeap Tree;
    public BigBlocks Big;

    public readonly nint PageSize;
    public readonly int PageShift;
    public readonly nint ChunkSize;

    /// <summary>Clears the offset within a chunk or big-block region: <c>~(ChunkSize - 1)</c>.</summary>
    public readonly nint RegionMask;

    public readonly nint BigBlockThreshold;

    /// <summary>Size plus alignment above which a request cannot go to the tree heap.</summary>
    public readonly nint TreeLimit;

    public readonly HphaOptions Options;

    /// <summary>The allocator the heap belongs to, named in the misuse it reports.</summary>
    public string? OwnerName;

    public HphaHeap(HphaOptions options)
    {
        Options = options;
        PageSize = options.PageSize;
        PageShift = BitOperations.Log2((uint)options.PageSize);
        ChunkSize = options.ChunkSize;
        RegionMask = ~(ChunkSize - 1);
        BigBlockThreshold = options.BigBlockThreshold;
        TreeLimit = TreeHeap.Capacity(ChunkSize);
        Small = new SmallBlockBuckets(PageSize, options.EmptyPagesKeptPerBucket);
        Tree = new TreeHeap(ChunkSize, PageSize);
        Big = new BigBlocks(ChunkSize, options.BigBlockCacheSize);
    }

    /// <summary>The largest request the heap accepts: far above any real need, low enough that no size arithmetic overflows.</summary>
    public static nint MaxRequest { get; } = IntPtr.Size == 8 ? unchecked((nint)(1L << 40)) : int.MaxValue / 4;

    /// <summary>Whether the request goes to a small-block bucket, and which.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TrySmallBucket(nint size, nint alignment, out int index)
    {
        if ((nuint)size <= SmallBlockBuckets.MaxSize && (nuint)alignment <= SmallBlockBuckets.MaxSize)
        {
            // Aligned requests take the bucket of the size rounded up to the alignment: blocks of a bucket
            // whose size is a multiple of the alignment are all aligned to it (see SmallBlockBuckets).
            nint rounded = alignment <= SmallBlockBuckets.Spacing ? size : AlignmentMath.AlignUp(size == 0 ? 1 : size, alignment);
            if (rounded <= SmallBlockBuckets.MaxSize)
            {
                index = SmallBlockBuckets.IndexOf(rounded);
                return true;
            }
        }
        index = 0;
        return false;
    }

    /// <summary>Whether a request that is not small goes to the tree heap (otherwise it is a big block).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsTreeRequest(nint size, nint alignment) => size <= BigBlockThreshold && size + alignment <= TreeLimit;

    /// <summary>Everything but the common small request: aligned small blocks, tree blocks, big blocks.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public nint AllocateOther(nint size, nint alignment)
    {
        if (TrySmallBucket(size, alignment, out int index))
            return Small.Allocate(index, ref Tree);
        if (size > MaxRequest || alignment > MaxRequest)
            return 0;
        if (IsTreeRequest(size, alignment))
            return Tree.Allocate(size, alignment);
        return Big.Allocate(size, alignment, ChunkSize);
    }

    /// <summary>The region header of the chunk or big block holding a pointer the heap handed out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RegionHeader* RegionOf(nint pointer) => (RegionHeader*)((pointer - 1) & RegionMask);

    /// <summary>Whether a pointer in <paramref name="region"/> is a small block: its page's bit is set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsSmall(RegionHeader* region, nint pointer)
        => ((region->SmallPages >> (int)((pointer - (nint)region) >> PageShift)) & 1) != 0;

    /// <summary>Frees a tree or big block.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void FreeOther(nint pointer, RegionHeader* region)
    {
        if (region->Kind == RegionKind.Chunk)
        {
            if (!Tree.Free(pointer))
                Diagnostics.FreedBlockKey.ThrowDoubleFree(OwnerName, pointer);
        }
        else
            Big.Free(pointer, (BigBlockHeader*)region);
    }

    /// <summary>The usable size of any live block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public nint BlockSize(nint pointer)
    {
        RegionHeader* region = RegionOf(pointer);
        if (IsSmall(region, pointer))
            return SmallBlockBuckets.BlockSize(pointer, PageSize);
        return region->Kind == RegionKind.Chunk
            ? TreeHeap.BlockSize(pointer)
            : BigBlocks.BlockSize(pointer, (BigBlockHeader*)region);
    }

    /// <summary>Resizes a live block, in place when its kind and room allow, otherwise by moving it.</summary>
    public nint ReAllocate(nint pointer, nint newSize, nint newAlignment)
    {
        RegionHeader* region = RegionOf(pointer);
        bool aligned = newAlignment <= 1 || (pointer & (newAlignment - 1)) == 0;
        bool small = TrySmallBucket(newSize, newAlignment, out int index);

        if (IsSmall(region, pointer))
        {
            if (Small.IsFree(pointer))
                Diagnostics.FreedBlockKey.ThrowDoubleFree(OwnerName, pointer);
            // Same bucket: nothing to do. Any other size moves, so the block's size stays what the request asks.
            if (small && aligned && index == SmallBlockBuckets.BucketOf(pointer, PageSize))
                return pointer;
        }
        else if (region->Kind == RegionKind.Chunk)
        {
            if (Tree.IsFree(pointer))
                Diagnostics.FreedBlockKey.ThrowDoubleFree(OwnerName, pointer);
            if (!small && aligned && newSize <= MaxRequest && IsTreeRequest(newSize, newAlignment) && Tree.TryResize(pointer, newSize))
                return pointer;
        }
        else
        {
            // A big block shrinks in place while it stays more than half used, and grows in place into its slack.
            nint usable = BigBlocks.BlockSize(pointer, (BigBlockHeader*)region);
            if (!small && aligned && newSize <= usable && newSize > usable / 2 && !IsTreeRequest(newSize, newAlignment))
                return pointer;
        }

        return Move(pointer, newSize, newAlignment);
    }

    /// <summary>Returns empty pages to the tree, then wholly free chunks and kept big blocks to the OS.</summary>
    public void GarbageCollect()
    {
        Big.GarbageCollect();
        Small.GarbageCollect(ref Tree);
        Tree.GarbageCollect();
    }

    private nint Move(nint pointer, nint newSize, nint newAlignment)
    {
        nint moved = TrySmallBucket(newSize, newAlignment, out int index)
            ? Small.Allocate(index, ref Tree)
            : AllocateOther(newSize, newAlignment);
        if (moved == 0)
            return 0;
        nint count = Math.Min(BlockSize(pointer), newSize);
        Buffer.MemoryCopy((void*)pointer, (void*)moved, newSize, count);

        RegionHeader* region = RegionOf(pointer);
        if (IsSmall(region, pointer))
        {
            if (!Small.Free(pointer, ref Tree))
                Diagnostics.FreedBlockKey.ThrowDoubleFree(OwnerName, pointer);
        }
        else
        {
            FreeOther(pointer, region);
        }
        return moved;
    }
}
