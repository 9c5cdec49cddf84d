using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Memory.Buffers;

namespace Memory.Containers;

/// <summary>
/// A fixed-length array of <typeparamref name="T"/> in native memory from a chosen allocator: the C# form
/// of <c>AZStd::array</c> over <c>AZ::AZStdAlloc</c>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Ownership.</b> The array is a class, so every variable that holds it refers to the same one block:
/// passing it around never copies or splits ownership. Whoever created it calls <see cref="Dispose"/>,
/// which returns the block to <see cref="Allocator"/>. An array that is never disposed is a leak, and it
/// shows up in the allocator's leak report with the line that created it (there is no finalizer: freeing
/// from the finalizer thread would be unsafe for allocators that are not thread-safe).
/// </para>
/// <para>
/// <b>After <see cref="Dispose"/></b> every member but <see cref="Dispose"/> and <see cref="IsDisposed"/>
/// throws <see cref="ObjectDisposedException"/>. A second <see cref="Dispose"/> does nothing, unless the
/// allocator is in checked mode (<see cref="AllocatorBase.IsChecked"/>), where it throws
/// <see cref="ObjectDisposedException"/> to expose the double dispose.
/// </para>
/// <para>
/// References and spans into the array (<see cref="this[int]"/>, <see cref="AsSpan()"/>) point into native
/// memory and are valid until <see cref="Dispose"/>; <see cref="AsMemory"/> is safe to keep, as it stops
/// working (throws) once the array is disposed. Not thread-safe, like <see cref="Array"/> writes.
/// </para>
/// </remarks>
/// <typeparam name="T">An unmanaged element type.</typeparam>
public sealed class NativeArray<T> : IEnumerable<T>, IDisposable
    where T : unmanaged
{
    private NativeBlock<T> _block;
    private int _length;
    private bool _disposed;
    private NativeMemoryManager<T>? _memoryView;

    /// <summary>Creates an array of <paramref name="length"/> elements.</summary>
    /// <param name="length">Number of elements; not negative.</param>
    /// <param name="allocator">Where the memory comes from; the process-wide system allocator when null.</param>
    /// <param name="clearMemory">Whether to zero the elements (true), or leave whatever the allocator returned.</param>
    /// <param name="name">A label for the allocation in tracking reports.</param>
    /// <param name="file">The calling file, filled in by the compiler.</param>
    /// <param name="line">The calling line, filled in by the compiler.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    /// <exception cref="OutOfMemoryException">The allocator cannot provide the memory.</exception>
    public NativeArray(int length, IAllocator? allocator = null, bool clearMemory = true, string? name = null,
        [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _block = new NativeBlock<T>(allocator ?? DefaultAllocator.Instance, name, file, line);
        _block.Resize(length);
        _length = length;
        if (clearMemory)
            _block.AsSpan(0, length).Clear();
    }

    /// <summary>Creates an array holding a copy of <paramref name="source"/>.</summary>
    /// <param name="source">The elements to copy.</param>
    /// <param name="allocator">Where the memory comes from; the process-wide system allocator when null.</param>
    /// <param name="name">A label for the allocation in tracking reports.</param>
    /// <param name="file">The calling file, filled in by the compiler.</param>
    /// <param name="line">The calling line, filled in by the compiler.</param>
    /// <exception cref="OutOfMemoryException">The allocator cannot provide the memory.</exception>
    public NativeArray(ReadOnlySpan<T> source, IAllocator? allocator = null, string? name = null,
        [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        _block = new NativeBlock<T>(allocator ?? DefaultAllocator.Instance, name, file, line);
        _block.Resize(source.Length);
        _length = source.Length;
        source.CopyTo(_block.AsSpan(0, _length));
    }

    /// <summary>The allocator the array's memory comes from.</summary>
    public IAllocator Allocator => _block.Allocator;

    /// <summary>Whether <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>The number of elements.</summary>
    /// <exception cref="ObjectDisposedException">The array is disposed.</exception>
    public int Length
    {
        get
        {
            if (_disposed)
                ThrowDisposed();
            return _length;
        }
    }

    /// <summary>A reference to the element at <paramref name="index"/>, valid until the array is disposed.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, <see cref="Length"/>).</exception>
    /// <exception cref="ObjectDisposedException">The array is disposed.</exception>
    public ref T this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            // Dispose sets the length to 0, so this one comparison also catches use after dispose.
            if ((uint)index >= (uint)_length)
                ThrowBadIndex(index);
            return ref _block.ElementAt(index);
        }
    }

    /// <summary>The elements as a span, valid until the array is disposed.</summary>
    /// <exception cref="ObjectDisposedException">The array is disposed.</exception>
    public Span<T> AsSpan()
    {
        if (_disposed)
            ThrowDisposed();
        return _block.AsSpan(0, _length);
    }

    /// <summary>
    /// The elements as <see cref="Memory{T}"/>, for APIs that take memory rather than spans (streams, pipes,
    /// asynchronous code). Once the array is disposed, using the memory throws <see cref="ObjectDisposedException"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The array is disposed.</exception>
    public Memory<T> AsMemory()
    {
        if (_disposed)
            ThrowDisposed();
        _memoryView ??= new NativeMemoryManager<T>(_block.Pointer, _length);
        return _memoryView.Memory;
    }

    /// <summary>Copies <paramref name="source"/> into the start of the array.</summary>
    /// <exception cref="ArgumentException"><paramref name="source"/> is longer than the array.</exception>
    /// <exception cref="ObjectDisposedException">The array is disposed.</exception>
    public void CopyFrom(ReadOnlySpan<T> source) => source.CopyTo(AsSpan());

    /// <summary>Copies the elements into a new managed array.</summary>
    /// <exception cref="ObjectDisposedException">The array is disposed.</exception>
    public T[] ToArray() => AsSpan().ToArray();

    /// <summary>An enumerator whose <see cref="Enumerator.Current"/> is a reference to each element.</summary>
    /// <exception cref="ObjectDisposedException">The array is disposed.</exception>
    public Enumerator GetEnumerator()
    {
        if (_disposed)
            ThrowDisposed();
        return new Enumerator(this);
    }

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Returns the memory to the allocator. See the class remarks for a second call.</summary>
    /// <exception cref="ObjectDisposedException">A second call while the allocator is in checked mode.</exception>
    public void Dispose()
    {
        if (_disposed)
        {
            ContainerChecks.OnSecondDispose(this, _block.Allocator);
            return;
        }
        _disposed = true;
        _length = 0;
        _memoryView?.Invalidate();
        _memoryView = null;
        _block.Free();
    }

    [DoesNotReturn]
    private void ThrowBadIndex(int index)
    {
        if (_disposed)
            ThrowDisposed();
        throw new ArgumentOutOfRangeException(nameof(index), index, $"The index must be in [0, {_length}).");
    }

    [DoesNotReturn]
    private void ThrowDisposed() => throw new ObjectDisposedException(GetType().Name, ContainerChecks.DisposedMessage);

    /// <summary>Enumerates the elements by reference.</summary>
    /// <remarks>Throws <see cref="ObjectDisposedException"/> from <see cref="MoveNext"/> if the array is disposed meanwhile.</remarks>
    public struct Enumerator : IEnumerator<T>
    {
        private readonly NativeArray<T> _array;
        private int _index;

        internal Enumerator(NativeArray<T> array)
        {
            _array = array;
            _index = -1;
        }

        /// <summary>A reference to the current element.</summary>
        /// <exception cref="InvalidOperationException">Before the first or after the last <see cref="MoveNext"/>.</exception>
        public readonly ref T Current
        {
            get
            {
                // Outside the elements the reference would point at the allocator's own bytes.
                if ((uint)_index >= (uint)_array._length)
                    ThrowNoCurrent();
                return ref _array._block.ElementAt(_index);
            }
        }

        readonly T IEnumerator<T>.Current => Current;

        readonly object IEnumerator.Current => Current;

        /// <summary>Moves to the next element.</summary>
        /// <exception cref="ObjectDisposedException">The array was disposed during the enumeration.</exception>
        public bool MoveNext()
        {
            if (_array._disposed)
                _array.ThrowDisposed();
            return ++_index < _array._length;
        }

        /// <summary>Starts the enumeration again.</summary>
        public void Reset() => _index = -1;

        /// <summary>Does nothing: the enumerator holds no resources.</summary>
        public readonly void Dispose()
        {
        }

        [DoesNotReturn]
        private static void ThrowNoCurrent()
            => throw new InvalidOperationException("The enumerator is not on an element: call MoveNext first, and only while it returns true.");
    }
}
