using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Memory.Containers;

/// <summary>
/// One native block of <typeparamref name="T"/> elements from an allocator: the storage every native
/// container and buffer adapter is built on, and the only place they turn pointers into references.
/// </summary>
/// <remarks>
/// A mutable struct held in a field of its owner, never copied: the owner calls <see cref="Resize"/> and
/// <see cref="Free"/> on the field itself. Growth goes through <see cref="IAllocator.ReAllocate"/> with the
/// element's alignment, so the allocation keeps the record (and call site) it was first made with.
/// The element accessors do no checks; the owner checks bounds before calling them.
/// </remarks>
internal struct NativeBlock<T>
    where T : unmanaged
{
    private readonly string? _name;
    private readonly string? _file;
    private readonly int _line;

    public NativeBlock(IAllocator allocator, string? name, string? file, int line)
    {
        Allocator = allocator;
        _name = name;
        _file = file;
        _line = line;
    }

    /// <summary>Where the block comes from and goes back to.</summary>
    public readonly IAllocator Allocator { get; }

    /// <summary>The block, or 0 while nothing is allocated.</summary>
    public nint Pointer { readonly get; private set; }

    /// <summary>Elements the block holds.</summary>
    public int Capacity { readonly get; private set; }

    /// <summary>The bytes asked of the allocator for the current block (what a checked free verifies).</summary>
    private readonly nint ByteCount => (nint)Capacity * Unsafe.SizeOf<T>();

    /// <summary>An unchecked reference to element <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly unsafe ref T ElementAt(int index) => ref ((T*)Pointer)[index];

    /// <summary>An unchecked span over elements [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly unsafe Span<T> AsSpan(int start, int length) => new((T*)Pointer + start, length);

    /// <summary>
    /// Makes the block hold <paramref name="capacity"/> elements, keeping the first
    /// min(old, new) of them: allocates from nothing, re-allocates a live block, frees on 0.
    /// </summary>
    /// <exception cref="OutOfMemoryException">The allocator cannot provide the block; the old one is intact.</exception>
    public void Resize(int capacity)
    {
        if (capacity == Capacity && (Pointer != 0 || capacity == 0))
            return;
        if (capacity == 0)
        {
            Free();
            return;
        }

        nint bytes = BytesFor(capacity);
        nint alignment = ElementLayout.AlignmentOf<T>();
        nint moved = Pointer == 0
            ? Allocator.Allocate(bytes, alignment, _name, _file, _line)
            : Allocator.ReAllocate(Pointer, bytes, alignment);
        if (moved == 0)
            ThrowOutOfMemory(bytes);
        Pointer = moved;
        Capacity = capacity;
    }

    /// <summary>
    /// A new, empty block with the same allocator and call site, for containers that rebuild their storage
    /// rather than resize it (a hash map rehashing into a larger table).
    /// </summary>
    public readonly NativeBlock<TOther> EmptyFromSameSource<TOther>()
        where TOther : unmanaged
        => new(Allocator, _name, _file, _line);

    /// <summary>Returns the block to the allocator; the block is empty afterwards. Freeing an empty block does nothing.</summary>
    public void Free()
    {
        nint pointer = Pointer;
        if (pointer == 0)
            return;
        nint bytes = ByteCount;
        Pointer = 0;
        Capacity = 0;
        Allocator.DeAllocate(pointer, bytes, ElementLayout.AlignmentOf<T>());
    }

    private static nint BytesFor(int capacity)
    {
        long bytes = (long)capacity * Unsafe.SizeOf<T>();
        if (capacity < 0 || bytes > nint.MaxValue)
            throw new OutOfMemoryException($"{capacity} elements of {typeof(T).Name} do not fit in the address space.");
        return (nint)bytes;
    }

    [DoesNotReturn]
    private readonly void ThrowOutOfMemory(nint bytes)
        => throw new OutOfMemoryException(
            $"{Allocator.Name} could not provide {bytes} bytes for {bytes / Unsafe.SizeOf<T>()} elements of {typeof(T).Name}.");
}
