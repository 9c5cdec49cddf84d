using System.Buffers;
using System.Runtime.CompilerServices;
using Memory.Containers;

namespace Memory.Buffers;

/// <summary>
/// A <see cref="MemoryPool{T}"/> of bytes whose buffers are native blocks from a chosen allocator, so that
/// <c>System.IO.Pipelines</c>, sockets and any other <see cref="MemoryPool{T}"/> user run on our memory,
/// counted and tracked by that allocator.
/// </summary>
/// <remarks>
/// <para>
/// Each <see cref="Rent"/> allocates one block of exactly the requested size (or <see cref="DefaultBufferSize"/>
/// for -1) and wraps it in an <see cref="IMemoryOwner{T}"/>; disposing the owner returns the block. The pool
/// keeps no blocks of its own: caching is the allocator's job (a pool allocator makes renting cheap). So the
/// allocator's <see cref="IAllocator.NumAllocatedBytes"/> is exactly the bytes rented and not yet returned.
/// </para>
/// <para>
/// Disposing an owner twice is a no-op, except under an allocator in checked mode, where it throws
/// <see cref="ObjectDisposedException"/>. After an owner is disposed its <see cref="Memory{T}"/> throws
/// <see cref="ObjectDisposedException"/> when used. The pool is as thread-safe as its allocator: a
/// <c>System.IO.Pipelines.Pipe</c> rents on the writer's thread and returns on the reader's, so give it
/// a thread-safe allocator. Disposing the pool stops further rents; blocks already rented stay valid
/// until their owners are disposed.
/// </para>
/// </remarks>
public sealed class AllocatorMemoryPool : MemoryPool<byte>
{
    private readonly IAllocator _allocator;
    private readonly string _name;
    private readonly string? _file;
    private readonly int _line;
    private volatile bool _disposed;

    /// <summary>Creates a pool over <paramref name="allocator"/>.</summary>
    /// <param name="allocator">Where the buffers come from; the process-wide system allocator when null.</param>
    /// <param name="defaultBufferSize">The size of a buffer rented with -1; at least 1.</param>
    /// <param name="maxBufferSize">The largest buffer <see cref="Rent"/> hands out; at least <paramref name="defaultBufferSize"/>.</param>
    /// <param name="name">A label for the pool's allocations in tracking reports.</param>
    /// <param name="file">The calling file, filled in by the compiler; recorded with each rented block.</param>
    /// <param name="line">The calling line, filled in by the compiler.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public AllocatorMemoryPool(IAllocator? allocator = null, int defaultBufferSize = 4096, int maxBufferSize = int.MaxValue,
        string? name = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(defaultBufferSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBufferSize, defaultBufferSize);
        _allocator = allocator ?? DefaultAllocator.Instance;
        DefaultBufferSize = defaultBufferSize;
        MaxBufferSize = maxBufferSize;
        _name = name ?? nameof(AllocatorMemoryPool);
        _file = file;
        _line = line;
    }

    /// <summary>The allocator the buffers come from.</summary>
    public IAllocator Allocator => _allocator;

    /// <summary>The size of a buffer rented with a <c>minBufferSize</c> of -1.</summary>
    public int DefaultBufferSize { get; }

    /// <inheritdoc/>
    public override int MaxBufferSize { get; }

    /// <summary>Rents a native buffer of exactly <paramref name="minBufferSize"/> bytes.</summary>
    /// <param name="minBufferSize">The size, or -1 for <see cref="DefaultBufferSize"/>.</param>
    /// <returns>The owner of the buffer; dispose it to return the buffer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The size is below -1 or above <see cref="MaxBufferSize"/>.</exception>
    /// <exception cref="ObjectDisposedException">The pool is disposed.</exception>
    /// <exception cref="OutOfMemoryException">The allocator cannot provide the buffer.</exception>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (minBufferSize == -1)
            minBufferSize = DefaultBufferSize;
        else if ((uint)minBufferSize > (uint)MaxBufferSize)
            throw new ArgumentOutOfRangeException(nameof(minBufferSize), minBufferSize, $"The size must be -1 or in [0, {MaxBufferSize}].");

        nint pointer = _allocator.Allocate(minBufferSize, alignment: 0, _name, _file, _line);
        if (pointer == 0)
            throw new OutOfMemoryException($"{_allocator.Name} could not provide a buffer of {minBufferSize} bytes.");
        return new AllocatorMemoryOwner(_allocator, pointer, minBufferSize);
    }

    /// <summary>Stops further rents. Buffers already rented stay valid until their owners are disposed.</summary>
    protected override void Dispose(bool disposing) => _disposed = true;
}
