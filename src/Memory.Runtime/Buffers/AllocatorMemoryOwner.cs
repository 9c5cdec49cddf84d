using Memory.Containers;

namespace Memory.Buffers;

/// <summary>
/// One block rented from an <see cref="AllocatorMemoryPool"/>: an <see cref="System.Buffers.IMemoryOwner{T}"/>
/// whose <see cref="IDisposable.Dispose"/> returns the block to the allocator.
/// </summary>
/// <remarks>
/// The block goes back exactly once, even when two threads dispose at the same time. A second dispose is a
/// no-op, unless the allocator is in checked mode, where it throws like a double free. After the return
/// every <see cref="Memory{T}"/> handed out by the owner throws <see cref="ObjectDisposedException"/>.
/// </remarks>
internal sealed class AllocatorMemoryOwner : NativeMemoryManager<byte>
{
    private readonly IAllocator _allocator;

    public AllocatorMemoryOwner(IAllocator allocator, nint pointer, int length)
        : base(pointer, length)
    {
        _allocator = allocator;
    }

    protected override void Dispose(bool disposing)
    {
        if (!TryRelease())
        {
            ContainerChecks.OnSecondDispose(this, _allocator);
            return;
        }
        _allocator.DeAllocate(Pointer, Length);
    }
}
