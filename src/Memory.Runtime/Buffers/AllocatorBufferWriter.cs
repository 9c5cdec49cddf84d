using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Memory.Containers;

namespace Memory.Buffers;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> of bytes that writes into one growable native block from a chosen
/// allocator: <see cref="ArrayBufferWriter{T}"/> without the managed array, for serializers
/// (<c>Utf8JsonWriter</c>, protocol encoders) that should build their output in our memory.
/// </summary>
/// <remarks>
/// <para>
/// The block grows by doubling (at least 256 bytes) through <see cref="IAllocator.ReAllocate"/>, so the
/// allocator may grow it in place. Nothing is allocated until the first write (or a non-zero initial capacity).
/// </para>
/// <para>
/// <b>Lifetime of what it hands out.</b> A span from <see cref="GetSpan"/> or <see cref="WrittenSpan"/> points
/// into the block and is valid until the next <see cref="GetSpan"/>/<see cref="GetMemory"/> that grows it, or
/// <see cref="Dispose"/>. A <see cref="Memory{T}"/> from <see cref="GetMemory"/> or <see cref="WrittenMemory"/> is
/// safer: when the block moves or is freed it throws <see cref="ObjectDisposedException"/> on use, where
/// <see cref="ArrayBufferWriter{T}"/> would leave it on the old array.
/// </para>
/// <para>
/// After <see cref="Dispose"/> every member but <see cref="Dispose"/> and <see cref="IsDisposed"/> throws
/// <see cref="ObjectDisposedException"/>; a second <see cref="Dispose"/> is a no-op, unless the allocator is in
/// checked mode, where it throws. Not thread-safe.
/// </para>
/// </remarks>
public sealed class AllocatorBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int MinimumGrowth = 256;

    private NativeBlock<byte> _block;
    private int _written;
    private bool _disposed;
    private NativeMemoryManager<byte>? _memoryView;

    /// <summary>Creates an empty writer.</summary>
    /// <param name="initialCapacity">Bytes to reserve now; not negative.</param>
    /// <param name="allocator">Where the memory comes from; the process-wide system allocator when null.</param>
    /// <param name="name">A label for the allocation in tracking reports.</param>
    /// <param name="file">The calling file, filled in by the compiler.</param>
    /// <param name="line">The calling line, filled in by the compiler.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initialCapacity"/> is negative.</exception>
    /// <exception cref="OutOfMemoryException">The allocator cannot provide the memory.</exception>
    public AllocatorBufferWriter(int initialCapacity = 0, IAllocator? allocator = null, string? name = null,
        [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _block = new NativeBlock<byte>(allocator ?? DefaultAllocator.Instance, name, file, line);
        _block.Resize(initialCapacity);
    }

    /// <summary>The allocator the writer's memory comes from.</summary>
    public IAllocator Allocator => _block.Allocator;

    /// <summary>Whether <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Bytes written (advanced past) so far.</summary>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public int WrittenCount
    {
        get
        {
            ThrowIfDisposed();
            return _written;
        }
    }

    /// <summary>The size of the block.</summary>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public int Capacity
    {
        get
        {
            ThrowIfDisposed();
            return _block.Capacity;
        }
    }

    /// <summary>Bytes available before the block must grow.</summary>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public int FreeCapacity => Capacity - _written;

    /// <summary>The bytes written so far, valid until the block grows or the writer is disposed.</summary>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public ReadOnlySpan<byte> WrittenSpan
    {
        get
        {
            ThrowIfDisposed();
            return _block.AsSpan(0, _written);
        }
    }

    /// <summary>The bytes written so far; throws <see cref="ObjectDisposedException"/> on use once the block moves or is freed.</summary>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public ReadOnlyMemory<byte> WrittenMemory
    {
        get
        {
            ThrowIfDisposed();
            return MemoryView().Memory[.._written];
        }
    }

    /// <summary>Records that <paramref name="count"/> more bytes of the last span or memory were written.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The writer would advance past the end of its block.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void Advance(int count)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _block.Capacity - _written)
            throw new InvalidOperationException($"Cannot advance {count} bytes: only {_block.Capacity - _written} are free.");
        _written += count;
    }

    /// <summary>Memory for at least <paramref name="sizeHint"/> bytes (at least 1 when 0) after what was written.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sizeHint"/> is negative.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    /// <exception cref="OutOfMemoryException">The block must grow and the allocator cannot provide the memory.</exception>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return MemoryView().Memory[_written..];
    }

    /// <summary>A span of at least <paramref name="sizeHint"/> bytes (at least 1 when 0) after what was written.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sizeHint"/> is negative.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    /// <exception cref="OutOfMemoryException">The block must grow and the allocator cannot provide the memory.</exception>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _block.AsSpan(_written, _block.Capacity - _written);
    }

    /// <summary>Forgets what was written so the block can be written again; the capacity is kept.</summary>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void ResetWrittenCount()
    {
        ThrowIfDisposed();
        _written = 0;
    }

    /// <summary>Returns the block to the allocator. See the class remarks for a second call.</summary>
    /// <exception cref="ObjectDisposedException">A second call while the allocator is in checked mode.</exception>
    public void Dispose()
    {
        if (_disposed)
        {
            ContainerChecks.OnSecondDispose(this, _block.Allocator);
            return;
        }
        _disposed = true;
        _written = 0;
        ReleaseMemoryView();
        _block.Free();
    }

    private void Reserve(int sizeHint)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        int needed = Math.Max(sizeHint, 1);
        int free = _block.Capacity - _written;
        if (needed <= free)
            return;

        long target = Math.Max((long)_written + needed, Math.Max((long)_block.Capacity * 2, MinimumGrowth));
        if ((long)_written + needed > Array.MaxLength)
            throw new OutOfMemoryException($"A buffer writer holds at most {Array.MaxLength} bytes.");
        ReleaseMemoryView();
        _block.Resize((int)Math.Min(target, Array.MaxLength));
    }

    private NativeMemoryManager<byte> MemoryView()
        => _memoryView ??= new NativeMemoryManager<byte>(_block.Pointer, _block.Capacity);

    /// <summary>Before the block moves or is freed, so that memory handed out earlier throws instead of reaching it.</summary>
    private void ReleaseMemoryView()
    {
        _memoryView?.Invalidate();
        _memoryView = null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfDisposed()
    {
        if (_disposed)
            ThrowDisposed();
    }

    [DoesNotReturn]
    private void ThrowDisposed() => throw new ObjectDisposedException(GetType().Name, ContainerChecks.DisposedMessage);
}
