using System.Buffers;
using Memory.Containers;

namespace Memory.Buffers;

/// <summary>
/// Native memory seen as <see cref="Memory{T}"/>: the bridge that lets <see cref="Memory{T}"/> users
/// (streams, pipes, asynchronous code) work on blocks from our allocators.
/// </summary>
/// <remarks>
/// A <see cref="Memory{T}"/> made from a manager asks the manager for its span on every use, so once the
/// manager is released every such <see cref="Memory{T}"/> throws <see cref="ObjectDisposedException"/>
/// instead of reaching memory that went back to the allocator. This class is a <b>view</b>: whoever owns
/// the block (a container, a buffer writer) releases the view when the block moves or is freed, and
/// disposing the view only releases it. <see cref="AllocatorMemoryOwner"/> is the manager that owns its block.
/// Native memory never moves, so pinning is free and <see cref="Unpin"/> has nothing to do.
/// </remarks>
internal class NativeMemoryManager<T> : MemoryManager<T>
    where T : unmanaged
{
    private readonly nint _pointer;
    private readonly int _length;
    private int _released;

    public NativeMemoryManager(nint pointer, int length)
    {
        _pointer = pointer;
        _length = length;
    }

    /// <summary>Whether the view was released; every use throws from then on.</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    protected nint Pointer => _pointer;

    protected int Length => _length;

    public override unsafe Span<T> GetSpan()
    {
        if (IsReleased)
            ThrowReleased();
        return new Span<T>((void*)_pointer, _length);
    }

    public override unsafe MemoryHandle Pin(int elementIndex = 0)
    {
        if (IsReleased)
            ThrowReleased();
        if ((uint)elementIndex > (uint)_length)
            throw new ArgumentOutOfRangeException(nameof(elementIndex), elementIndex, $"The index must be in [0, {_length}].");
        return new MemoryHandle((T*)_pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    /// <summary>Releases the view; called by the block's owner before the block moves or is freed.</summary>
    public void Invalidate() => TryRelease();

    /// <summary>Marks the view released; true for the one caller that released it.</summary>
    protected bool TryRelease() => Interlocked.Exchange(ref _released, 1) == 0;

    /// <summary>Disposing a view releases it; the memory stays with its owner.</summary>
    protected override void Dispose(bool disposing) => TryRelease();

    private void ThrowReleased()
        => throw new ObjectDisposedException(GetType().Name, "The native memory behind this Memory<T> was returned to its allocator or moved.");
}
