namespace Memory.Buffers;

/// <summary>
/// The owner of a block of one of a <see cref="BlockCache"/>'s size classes: the block spans the whole class
/// size and goes back to the cache, or to the allocator when the cache does not keep it.
/// </summary>
/// <remarks>
/// Its one field besides the address is the class, which knows the size and the cache: this is the owner of
/// almost every rent, and the fewer bytes it has the less a rent costs the garbage collector.
/// </remarks>
internal sealed class CachedBlockOwner(BlockClass blockClass, nint pointer) : AllocatorMemoryOwner(pointer)
{
    private readonly BlockClass _class = blockClass;

    protected override int Length => _class.Size;

    protected override IAllocator Allocator => _class.Cache.Allocator;

    protected override void Return(nint block)
    {
        BlockCache cache = _class.Cache;
        if (!cache.TryKeep(_class.Index, block))
            cache.Allocator.DeAllocate(block, _class.Size);
    }
}
