namespace Memory.Buffers;

/// <summary>
/// The owner of a block of exactly the size asked, which goes straight back to its allocator: a rent the cache
/// does not serve (a size no class keeps, a pool without a cache, an allocator that records).
/// </summary>
internal sealed class ExactBlockOwner(IAllocator allocator, nint pointer, int length) : AllocatorMemoryOwner(pointer)
{
    private readonly IAllocator _allocator = allocator;
    private readonly int _length = length;

    protected override int Length => _length;

    protected override IAllocator Allocator => _allocator;

    protected override void Return(nint block) => _allocator.DeAllocate(block, _length);
}
