using System.Runtime.CompilerServices;
using Memory.Tracking;

namespace Memory;

/// <summary>
/// <c>azmalloc</c>, <c>azfree</c>, <c>azrealloc</c> and <c>azcalloc</c>: raw blocks from the process-wide
/// instance of an allocator type, with the call site recorded by tracking.
/// </summary>
/// <remarks>
/// When the instance cannot serve an allocation (it is being constructed on this thread, or the memory
/// system was shut down by <see cref="AllocatorManager.Shutdown"/>), the block comes straight from the OS
/// and is counted under the <c>Global</c> category; <see cref="Free{TAllocator}"/> and
/// <see cref="Realloc{TAllocator}"/> send such blocks back there. After shutdown, freeing a block of an
/// allocator that no longer exists leaves it alone: the process is ending and its allocator is gone.
/// </remarks>
public static class Az
{
    /// <summary>Allocates from <typeparamref name="TAllocator"/>; 0 when the request cannot be met.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is negative.</exception>
    /// <exception cref="ArgumentException">The alignment is not 0 or a power of two.</exception>
    public static nint Malloc<TAllocator>(nint size, nint alignment = 0, string? name = null,
        [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
        where TAllocator : AllocatorBase, IAllocatorType<TAllocator>
    {
        var allocator = AllocatorInstance<TAllocator>.GetForRawAllocation();
        return allocator is not null
            ? allocator.Allocate(size, alignment, name, file, line)
            : GlobalAllocator.AllocateBlock(size, alignment, name, file, line);
    }

    /// <summary>Allocates <paramref name="count"/> x <paramref name="size"/> zeroed bytes.</summary>
    /// <exception cref="OverflowException">The product does not fit in a native integer.</exception>
    public static unsafe nint Calloc<TAllocator>(nint count, nint size, nint alignment = 0, string? name = null,
        [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
        where TAllocator : AllocatorBase, IAllocatorType<TAllocator>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        nint total = checked(count * size);
        nint pointer = Malloc<TAllocator>(total, alignment, name, file, line);
        if (pointer != 0)
            new Span<byte>((void*)pointer, checked((int)Math.Min(total, int.MaxValue))).Clear();
        if (pointer != 0 && total > int.MaxValue)
            ClearLarge(pointer, total);
        return pointer;
    }

    /// <summary>Resizes a block of <typeparamref name="TAllocator"/>, keeping its contents.</summary>
    /// <exception cref="InvalidOperationException">The memory system is shut down and the block is not a <c>Global</c> one.</exception>
    public static nint Realloc<TAllocator>(nint pointer, nint newSize, nint newAlignment = 0)
        where TAllocator : AllocatorBase, IAllocatorType<TAllocator>
    {
        if (GlobalAllocator.TryReAllocate(pointer, newSize, newAlignment, out nint moved))
            return moved;
        var allocator = AllocatorInstance<TAllocator>.GetForRawAllocation();
        if (allocator is not null)
            return allocator.ReAllocate(pointer, newSize, newAlignment);
        if (pointer == 0)
            return GlobalAllocator.AllocateBlock(newSize, newAlignment, name: null, file: null, line: 0);
        throw new InvalidOperationException($"{TAllocator.TypeName} is not available (being constructed, or the memory system is shut down): its blocks cannot be resized now.");
    }

    /// <summary>Returns a block to <typeparamref name="TAllocator"/>; 0 is ignored.</summary>
    public static void Free<TAllocator>(nint pointer, nint size = 0, nint alignment = 0)
        where TAllocator : AllocatorBase, IAllocatorType<TAllocator>
    {
        if (pointer == 0 || GlobalAllocator.TryFree(pointer))
            return;
        AllocatorInstance<TAllocator>.GetForRawAllocation()?.DeAllocate(pointer, size, alignment);
    }

    /// <summary>
    /// <see cref="Malloc{TAllocator}"/> that fails the way <c>NativeMemory.Alloc</c> and <c>Marshal.AllocHGlobal</c>
    /// fail: an <see cref="OutOfMemoryException"/> instead of 0, so that code moved off the platform allocator keeps
    /// its failure behaviour. A request of 0 bytes is not a failure.
    /// </summary>
    /// <exception cref="OutOfMemoryException">The allocator cannot serve the request.</exception>
    public static nint MallocOrThrow<TAllocator>(nint size, nint alignment = 0, string? name = null,
        [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
        where TAllocator : AllocatorBase, IAllocatorType<TAllocator>
        => ThrowIfFailed(Malloc<TAllocator>(size, alignment, name, file, line), size);

    /// <summary><see cref="Calloc{TAllocator}"/> that throws like <c>NativeMemory.AllocZeroed</c> instead of returning 0.</summary>
    /// <exception cref="OutOfMemoryException">The allocator cannot serve the request.</exception>
    /// <exception cref="OverflowException">The product does not fit in a native integer.</exception>
    public static nint CallocOrThrow<TAllocator>(nint count, nint size, nint alignment = 0, string? name = null,
        [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
        where TAllocator : AllocatorBase, IAllocatorType<TAllocator>
        => ThrowIfFailed(Calloc<TAllocator>(count, size, alignment, name, file, line), count == 0 ? 0 : size);

    /// <summary>
    /// <see cref="Realloc{TAllocator}"/> that throws like <c>NativeMemory.Realloc</c> and <c>Marshal.ReAllocHGlobal</c>
    /// instead of returning 0; the block is then left as it was.
    /// </summary>
    /// <exception cref="OutOfMemoryException">The allocator cannot serve the request.</exception>
    public static nint ReallocOrThrow<TAllocator>(nint pointer, nint newSize, nint newAlignment = 0)
        where TAllocator : AllocatorBase, IAllocatorType<TAllocator>
        => ThrowIfFailed(Realloc<TAllocator>(pointer, newSize, newAlignment), newSize);

    private static nint ThrowIfFailed(nint pointer, nint size)
        => pointer == 0 && size != 0 ? throw new OutOfMemoryException($"The allocator could not serve {size} bytes.") : pointer;

    private static unsafe void ClearLarge(nint pointer, nint total)
    {
        for (nint offset = int.MaxValue; offset < total; offset += int.MaxValue)
            new Span<byte>((void*)(pointer + offset), (int)Math.Min(total - offset, int.MaxValue)).Clear();
    }
}
