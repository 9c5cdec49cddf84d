namespace Memory.Buffers;

/// <summary>
/// One size class of a <see cref="BlockCache"/> as the owners of its blocks see it: the cache the blocks go
/// back to, the class's index there and its block size. One object per class and cache, so that an owner
/// needs a single reference where it would otherwise hold the cache and the size.
/// </summary>
internal sealed class BlockClass(BlockCache cache, int index)
{
    public BlockCache Cache { get; } = cache;

    public int Index { get; } = index;

    public int Size { get; } = BlockCache.SizeOf(index);
}
