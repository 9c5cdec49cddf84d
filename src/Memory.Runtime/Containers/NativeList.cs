using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Memory.Containers;

/// <summary>
/// A growable list of <typeparamref name="T"/> in native memory from a chosen allocator: the C# form of
/// <c>AZStd::vector&lt;T, AZ::AZStdAlloc&lt;Allocator&gt;&gt;</c>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Ownership.</b> The list is a class, so every variable that holds it refers to the same list: growth
/// seen through one is seen through all, and there is never a stale copy holding a freed block. Whoever
/// created it calls <see cref="Dispose"/>, which returns the block to <see cref="Allocator"/>. A list that
/// is never disposed is a leak, reported by the allocator's tracking with the line that created it.
/// </para>
/// <para>
/// <b>Growth</b> doubles the capacity (at least 4) through <see cref="IAllocator.ReAllocate"/> with the
/// element's alignment, so the allocator can grow the block in place. Nothing is allocated until the first
/// element (or a non-zero initial capacity).
/// </para>
/// <para>
/// <b>After <see cref="Dispose"/></b> every member but <see cref="Dispose"/> and <see cref="IsDisposed"/>
/// throws <see cref="ObjectDisposedException"/>. A second <see cref="Dispose"/> does nothing, unless the
/// allocator is in checked mode (<see cref="AllocatorBase.IsChecked"/>), where it throws.
/// </para>
/// <para>
/// References and spans into the list (<see cref="this[int]"/>, <see cref="AsSpan()"/>) point into native
/// memory and are valid only until the list next grows, shrinks its capacity or is disposed: unlike a
/// <see cref="List{T}"/>'s old array, a moved native block is freed at once. Enumerators check for this
/// and throw. Not thread-safe, like <see cref="List{T}"/>.
/// </para>
/// </remarks>
/// <typeparam name="T">An unmanaged element type.</typeparam>
public sealed class NativeList<T> : IEnumerable<T>, IDisposable
    where T : unmanaged
{
    private const int MinimumGrowth = 4;

    private NativeBlock<T> _block;
    private int _count;
    private int _version;
    private bool _disposed;

    /// <summary>Creates an empty list.</summary>
    /// <param name="capacity">Elements to reserve room for now; not negative.</param>
    /// <param name="allocator">Where the memory comes from; the process-wide system allocator when null.</param>
    /// <param name="name">A label for the allocation in tracking reports.</param>
    /// <param name="file">The calling file, filled in by the compiler.</param>
    /// <param name="line">The calling line, filled in by the compiler.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative.</exception>
    /// <exception cref="OutOfMemoryException">The allocator cannot provide the memory.</exception>
    public NativeList(int capacity = 0, IAllocator? allocator = null, string? name = null,
        [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _block = new NativeBlock<T>(allocator ?? DefaultAllocator.Instance, name, file, line);
        _block.Resize(capacity);
    }

    /// <summary>The allocator the list's memory comes from.</summary>
    public IAllocator Allocator => _block.Allocator;

    /// <summary>Whether <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>The number of elements.</summary>
    /// <exception cref="ObjectDisposedException">The list is disposed.</exception>
    public int Count
    {
        get
        {
            if (_disposed)
                ThrowDisposed();
            return _count;
        }
    }

    /// <summary>The number of elements the list holds before it next grows.</summary>
    /// <exception cref="ObjectDisposedException">The list is disposed.</exception>
    public int Capacity
    {
        get
        {
            if (_disposed)
                ThrowDisposed();
            return _block.Capacity;
        }
    }

    /// <summary>A reference to the element at <paramref name="index"/>, valid until the list's block moves.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, <see cref="Count"/>).</exception>
    /// <exception cref="ObjectDisposedException">The list is disposed.</exception>
    public ref T this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            // Dispose sets the count to 0, so this one comparison also catches use after dispose.
            if ((uint)index >= (uint)_count)
                ThrowBadIndex(index);
            return ref _block.ElementAt(index);
        }
    }

    /// <summary>Appends <paramref name="item"/>.</summary>
    /// <exception cref="ObjectDisposedException">The list is disposed.</exception>
    /// <exception cref="OutOfMemoryException">The list must grow and the allocator cannot provide the memory.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(T item)
    {
        _version++;
        int count = _count;
        // A disposed list has capacity 0, so it always takes the slow path, which checks.
        if ((uint)count < (uint)_block.Capacity)
        {
            _block.ElementAt(count) = item;
            _count = count + 1;
            return;
        }
        AddWithGrowth(item);
    }

    /// <summary>Appends the elements of <paramref name="items"/>, which may be a span of this list itself.</summary>
    /// <exception cref="ObjectDisposedException">The list is disposed.</exception>
    /// <exception cref="OutOfMemoryException">The list must grow and the allocator cannot provide the memory.</exception>
    public void AddRange(ReadOnlySpan<T> items)
    {
        ThrowIfDisposed();
        if (items.IsEmpty)
            return;
        int count = _count;
        int needed = checked(count + items.Length);
        if (needed > _block.Capacity)
        {
            // Growth may move and free the block; a span over this very list must be found again in the new one.
            ReadOnlySpan<T> current = _block.AsSpan(0, _block.Capacity);
            bool fromSelf = current.Overlaps(items, out int offset);
            Grow(needed);
            if (fromSelf)
                items = _block.AsSpan(offset, items.Length);
        }
        items.CopyTo(_block.AsSpan(count, items.Length));
        _count = needed;
        _version++;
    }

    /// <summary>Inserts <paramref name="item"/> at <paramref name="index"/>, moving later elements up.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, <see cref="Count"/>].</exception>
    /// <exception cref="ObjectDisposedException">The list is disposed.</exception>
    public void Insert(int index, T item)
    {
        ThrowIfDisposed();
        if ((uint)index > (uint)_count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The index must be in [0, {_count}].");
        if (_count == _block.Capacity)
            Grow(_count + 1);
        _block.AsSpan(index, _count - index).CopyTo(_block.AsSpan(index + 1, _count - index));
        _block.ElementAt(index) = item;
        _count++;
        _version++;
    }

    /// <summary>Removes the element at <paramref name="index"/>, moving later elements down (order kept, O(n)).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, <see cref="Count"/>).</exception>
    /// <exception cref="ObjectDisposedException">The list is disposed.</exception>
    public void RemoveAt(int index) => RemoveRange(index, 1);

    /// <summary>
    /// Removes the element at <paramref name="index"/> by moving the last element into its place
    /// (order not kept, O(1)).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, <see cref="Count"/>).</exception>
    /// <exception cref="ObjectDisposedException">The list is disposed.</exception>
    public void RemoveAtSwapBack(int index)
    {
        if ((uint)index >= (uint)_count)
            ThrowBadIndex(index);
        int last = _count - 1;
        _block.ElementAt(index) = _block.ElementAt(last);
        _count = last;
        _version++;
    }

    /// <summary>Removes <paramref name="count"/> elements starting at <paramref name="index"/>, keeping order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the list.</exception>
    /// <exception cref="ObjectDisposedException">The list is disposed.</exception>
    public void RemoveRange(int index, int count)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (index > _count - count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"[{index}, {index}+{count}) is not inside a list of {_count}.");
        if (count == 0)
            return;
        int tail = _count - index - count;
        _block.AsSpan(index + count, tail).CopyTo(_block.AsSpan(index, tail));
        _count -= count;
        _version++;
    }

    /// <summary>Removes every element; the capacity is kept.</summary>
    /// <exception cref="ObjectDisposedException">The list is disposed.</exception>
    public void Clear()
    {
        ThrowIfDisposed();
        _count = 0;
        _version++;
    }

    /// <summary>Makes room for at least <paramref name="capacity"/> elements without further growth.</summary>
    /// <returns>The capacity afterwards.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative.</exception>
    /// <exception cref="ObjectDisposedException">The list is disposed.</exception>
    public int EnsureCapacity(int capacity)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        if (capacity > _block.Capacity)
            Grow(capacity);
        return _block.Capacity;
    }

    /// <summary>Shrinks the block to the number of elements (freeing it when the list is empty).</summary>
    /// <exception cref="ObjectDisposedException">The list is disposed.</exception>
    public void TrimExcess()
    {
        ThrowIfDisposed();
        if (_count < _block.Capacity)
        {
            _block.Resize(_count);
            _version++;
        }
    }

    /// <summary>The elements as a span, valid until the list's block moves (growth, <see cref="TrimExcess"/>, dispose).</summary>
    /// <exception cref="ObjectDisposedException">The list is disposed.</exception>
    public Span<T> AsSpan()
    {
        ThrowIfDisposed();
        return _block.AsSpan(0, _count);
    }

    /// <summary>Copies the elements into a new managed array.</summary>
    /// <exception cref="ObjectDisposedException">The list is disposed.</exception>
    public T[] ToArray() => AsSpan().ToArray();

    /// <summary>An enumerator whose <see cref="Enumerator.Current"/> is a reference to each element.</summary>
    /// <exception cref="ObjectDisposedException">The list is disposed.</exception>
    public Enumerator GetEnumerator()
    {
        ThrowIfDisposed();
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
        _count = 0;
        _version++;
        _block.Free();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddWithGrowth(T item)
    {
        ThrowIfDisposed();
        Grow(_count + 1);
        _block.ElementAt(_count) = item;
        _count++;
    }

    private void Grow(int needed)
    {
        // Doubling keeps Add amortised O(1); the cap keeps the span length an int.
        int doubled = (int)Math.Min((long)_block.Capacity * 2, Array.MaxLength);
        _block.Resize(Math.Max(needed, Math.Max(doubled, MinimumGrowth)));
        _version++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfDisposed()
    {
        if (_disposed)
            ThrowDisposed();
    }

    // Throw helpers carry no [MethodImpl(NoInlining)]: left alone, the JIT sees a method that only throws,
    // keeps it out of line and knows the call never returns, so it can hoist the list's fields out of
    // indexing loops. NoInlining hides that and costs List<T>-level indexing speed.
    [DoesNotReturn]
    private void ThrowBadIndex(int index)
    {
        ThrowIfDisposed();
        throw new ArgumentOutOfRangeException(nameof(index), index, $"The index must be in [0, {_count}).");
    }

    [DoesNotReturn]
    private void ThrowDisposed() => throw new ObjectDisposedException(GetType().Name, ContainerChecks.DisposedMessage);

    /// <summary>Enumerates the elements by reference.</summary>
    /// <remarks>
    /// Like <see cref="List{T}"/>'s enumerator, <see cref="MoveNext"/> throws <see cref="InvalidOperationException"/>
    /// if the list was changed during the enumeration (here that also guards against reading a freed block),
    /// and <see cref="ObjectDisposedException"/> if it was disposed.
    /// </remarks>
    public struct Enumerator : IEnumerator<T>
    {
        private readonly NativeList<T> _list;
        private readonly int _version;
        private int _index;

        internal Enumerator(NativeList<T> list)
        {
            _list = list;
            _version = list._version;
            _index = -1;
        }

        /// <summary>A reference to the current element.</summary>
        /// <exception cref="InvalidOperationException">Before the first or after the last <see cref="MoveNext"/>.</exception>
        public readonly ref T Current
        {
            get
            {
                // Outside the elements the reference would point at the allocator's own bytes.
                if ((uint)_index >= (uint)_list._count)
                    ThrowNoCurrent();
                return ref _list._block.ElementAt(_index);
            }
        }

        readonly T IEnumerator<T>.Current => Current;

        readonly object IEnumerator.Current => Current;

        /// <summary>Moves to the next element.</summary>
        /// <exception cref="InvalidOperationException">The list was changed during the enumeration.</exception>
        /// <exception cref="ObjectDisposedException">The list was disposed during the enumeration.</exception>
        public bool MoveNext()
        {
            if (_version != _list._version)
                ThrowChanged();
            return ++_index < _list._count;
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

        [DoesNotReturn]
        private readonly void ThrowChanged()
        {
            _list.ThrowIfDisposed();
            throw new InvalidOperationException("The list was changed during the enumeration.");
        }
    }
}
