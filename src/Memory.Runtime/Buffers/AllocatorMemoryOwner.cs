using System.Buffers;
using System.Runtime.CompilerServices;
using Memory.Containers;

namespace Memory.Buffers;

/// <summary>
/// One block rented from an <see cref="AllocatorMemoryPool"/>: the <see cref="IMemoryOwner{T}"/> and the
/// <see cref="MemoryManager{T}"/> behind its <see cref="Memory{T}"/> in one object, made fresh for each rent.
/// <see cref="CachedBlockOwner"/> owns a block of a size class, <see cref="ExactBlockOwner"/> one of exactly the
/// size asked.
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
internal abstract class AllocatorMemoryOwner : MemoryManager<byte>, IDisposable
{
    // The block's address, 0 once returned: the released mark and the block in one field, so that the owner
    // of a size class's block stays at two fields (32 bytes, against 24 for MemoryPool<byte>.Shared's owner).
    private nint _pointer;

    protected AllocatorMemoryOwner(nint pointer) => _pointer = pointer;

    /// <summary>The block's length in bytes.</summary>
    protected abstract int Length { get; }

    /// <summary>The allocator the block comes from, for the report of a second dispose.</summary>
    protected abstract IAllocator Allocator { get; }

    // Sealed and overridden so the common path (owner.Memory) makes the Memory<T> without a virtual GetSpan.
    public sealed override Memory<byte> Memory
    {
        get
        {
            if (Volatile.Read(ref _pointer) == 0)
                ThrowReleased();
            return CreateMemory(Length);
        }
    }

    public sealed override unsafe Span<byte> GetSpan()
    {
        nint pointer = Volatile.Read(ref _pointer);
        if (pointer == 0)
            ThrowReleased();
        return new Span<byte>((void*)pointer, Length);
    }

    public sealed override unsafe MemoryHandle Pin(int elementIndex = 0)
    {
        nint pointer = Volatile.Read(ref _pointer);
        if (pointer == 0)
            ThrowReleased();
        if ((uint)elementIndex > (uint)Length)
            throw new ArgumentOutOfRangeException(nameof(elementIndex), elementIndex, $"The index must be in [0, {Length}].");
        return new MemoryHandle((byte*)pointer + elementIndex);
    }

    public sealed override void Unpin()
    {
    }

    // Re-implemented: MemoryManager's own calls GC.SuppressFinalize, a cost on every return for an object that
    // has no finalizer.
    void IDisposable.Dispose() => Release();

    protected sealed override void Dispose(bool disposing) => Release();

    /// <summary>Gives the block back, once: <paramref name="block"/> is the address the owner held.</summary>
    protected abstract void Return(nint block);

    private void Release()
    {
        // The exchange makes one of two racing disposes the one that returns the block.
        nint block = Interlocked.Exchange(ref _pointer, 0);
        if (block == 0)
        {
            OnSecondRelease();
            return;
        }
        Return(block);
    }

    // Out of line: a checked allocator's report builds a message, which would only bloat every dispose.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnSecondRelease() => ContainerChecks.OnSecondDispose(this, Allocator);

    private void ThrowReleased()
        => throw new ObjectDisposedException(nameof(AllocatorMemoryOwner), "The native memory behind this Memory<T> was returned to its pool or allocator.");
}
