using System.Runtime.CompilerServices;

namespace Memory;

/// <summary>
/// <c>azmalloc</c>, <c>azfree</c>, <c>azrealloc</c> and <c>azcalloc</c>: raw blocks from the process-wide
/// instance of an allocator type, with the call site recorded by tracking.
/// </summary>
public static class Az
{
    /// <summary>Allocates from <typeparamref name="TAllocator"/>; 0 when the request cannot be met.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is negative.</exception>
    /// <exception cref="ArgumentException">The alignment is not 0 or a power of two.</exception>
    public static nint Malloc<TAllocator>(nint size, nint alignment = 0, string? name = null,
        [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
        where TAllocator : AllocatorBase, IAllocatorType<TAllocator>
        => AllocatorInstance<TAllocator>.Get().Allocate(size, alignment, name, file, line);

    /// <summary>Allocates <paramref name="count"/> x <paramref name="size"/> zeroed bytes.</summary>
    /// <exception cref="OverflowException">The product does not fit in a native integer.</exception>
    public static unsafe nint Calloc<TAllocator>(nint count, nint size, nint alignment = 0, string? name = null,
        [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
        where TAllocator : AllocatorBase, IAllocatorType<TAllocator>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        nint total = checked(count * size);
        nint pointer = AllocatorInstance<TAllocator>.Get().Allocate(total, alignment, name, file, line);
        if (pointer != 0)
            new Span<byte>((void*)pointer, checked((int)Math.Min(total, int.MaxValue))).Clear();
        if (pointer != 0 && total > int.MaxValue)
            ClearLarge(pointer, total);
        return pointer;
    }

    /// <summary>Resizes a block of <typeparamref name="TAllocator"/>, keeping its contents.</summary>
    public static nint Realloc<TAllocator>(nint pointer, nint newSize, nint newAlignment = 0)
        where TAllocator : AllocatorBase, IAllocatorType<TAllocator>
        => AllocatorInstance<TAllocator>.Get().ReAllocate(pointer, newSize, newAlignment);

    /// <summary>Returns a block to <typeparamref name="TAllocator"/>; 0 is ignored.</summary>
    public static void Free<TAllocator>(nint pointer, nint size = 0, nint alignment = 0)
        where TAllocator : AllocatorBase, IAllocatorType<TAllocator>
        => AllocatorInstance<TAllocator>.Get().DeAllocate(pointer, size, alignment);

    private static unsafe void ClearLarge(nint pointer, nint total)
    {
        for (nint offset = int.MaxValue; offset < total; offset += int.MaxValue)
            new Span<byte>((void*)(pointer + offset), (int)Math.Min(total - offset, int.MaxValue)).Clear();
    }
}
