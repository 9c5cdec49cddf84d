using System.Buffers;
using System.Runtime.CompilerServices;
using Memory.Containers;

namespace Memory.Buffers;

/// <summary>
/// One block rented from an <see cref="AllocatorMemoryPool"/>: the <see cref="IMemoryOwner{T}"/> and the
/// <see cref="MemoryManager{T}"/> behind its <see cref="Memory{T}"/> in one object, made fresh for each rent.
/// </summary>
/// <remarks>
/// <para>
/// A fresh owner per rent is what makes a stale owner safe: once disposed it stays released, so it can
/// never see the next rental of its block. The block goes back exactly once, even when two threads dispose
/// at the same time: to the pool's cache when it came from a size class, else to the allocator. A second
/// dispose is a no-op, unless the allocator is in checked mode, where it throws like a double free.
/// </para>
/// <para>
/// After the return every <see cref="Memory{T}"/> handed out by the owner throws
/// <see cref="ObjectDisposedException"/>: a <see cref="Memory{T}"/> over a manager asks it for the span
/// on every use. Native memory never moves, so pinning is free and <see cref="Unpin"/> has nothing to do.
/// </para>
/// </remarks>
internal sealed class AllocatorMemoryOwner : MemoryManager<byte>, IDisposable
{
    // Where the block goes back: a BlockCache for a block of a size class (its length is the class size),
    // else the IAllocator. One field rather than two keeps the owner as small as a Memory<T> owner gets.
    private readonly object _home;
    private readonly nint _pointer;
    private readonly int _length;
    private int _released;

    /// <summary>An owner of a block of <paramref name="cache"/>'s size class of <paramref name="length"/> bytes.</summary>
    public AllocatorMemoryOwner(BlockCache cache, nint pointer, int length)
    {
        _home = cache;
        _pointer = pointer;
        _length = length;
    }

    /// <summary>An owner of a block of exactly <paramref name="length"/> bytes that goes straight back to <paramref name="allocator"/>.</summary>
    public AllocatorMemoryOwner(IAllocator allocator, nint pointer, int length)
    {
        _home = allocator;
        _pointer = pointer;
        _length = length;
    }

    // Sealed and overridden so the common path (owner.Memory) makes the Memory<T> without a virtual GetSpan.
    public override Memory<byte> Memory
    {
        get
        {
            if (Volatile.Read(ref _released) != 0)
                ThrowReleased();
            return CreateMemory(_length);
        }
    }

    public override unsafe Span<byte> GetSpan()
    {
        if (Volatile.Read(ref _released) != 0)
            ThrowReleased();
        return new Span<byte>((void*)_pointer, _length);
    }

    public override unsafe MemoryHandle Pin(int elementIndex = 0)
    {
        if (Volatile.Read(ref _released) != 0)
            ThrowReleased();
        if ((uint)elementIndex > (uint)_length)
            throw new ArgumentOutOfRangeException(nameof(elementIndex), elementIndex, $"The index must be in [0, {_length}].");
        return new MemoryHandle((byte*)_pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    // Re-implemented: MemoryManager's own calls GC.SuppressFinalize, a cost on every return for an object that
    // has no finalizer.
    void IDisposable.Dispose() => Release();

    protected override void Dispose(bool disposing) => Release();

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            OnSecondRelease();
            return;
        }
        if (_home is BlockCache cache)
        {
            if (!cache.TryKeep(_length, _pointer))
                cache.Allocator.DeAllocate(_pointer, _length);
        }
        else
        {
            ((IAllocator)_home).DeAllocate(_pointer, _length);
        }
    }

    // Out of line: a checked allocator's report builds a message, which would only bloat every dispose.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnSecondRelease()
        => ContainerChecks.OnSecondDispose(this, _home is BlockCache cache ? cache.Allocator : (IAllocator)_home);

    private void ThrowReleased()
        => throw new ObjectDisposedException(nameof(AllocatorMemoryOwner), "The native memory behind this Memory<T> was returned to its pool or allocator.");
}
