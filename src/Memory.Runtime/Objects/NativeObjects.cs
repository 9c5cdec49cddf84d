using System.ComponentModel;

namespace Memory.Objects;

/// <summary>
/// <c>azcreate</c>/<c>azdestroy</c> for unmanaged structs: the memory half of a generated <c>Create</c> and
/// <c>Destroy</c>. Blocks have the size and alignment of the type and carry the call site into tracking.
/// </summary>
// Called by generated code, not by users: hidden from completion lists so the real API stands alone there.
[EditorBrowsable(EditorBrowsableState.Never)]
public static class NativeObjects
{
    /// <summary>Allocates room for one <typeparamref name="T"/> (uninitialised) from <paramref name="allocator"/>.</summary>
    /// <param name="allocator">Where the memory comes from.</param>
    /// <param name="name">The label tracking records, usually the type's name.</param>
    /// <param name="file">The calling file.</param>
    /// <param name="line">The calling line.</param>
    /// <exception cref="OutOfMemoryException">The allocator could not provide the block.</exception>
    public static NativeRef<T> Allocate<T>(IAllocator allocator, string? name, string? file, int line)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(allocator);
        nint address = allocator.Allocate(TypeLayout<T>.Size, TypeLayout<T>.Alignment, name, file, line);
        if (address == 0)
            throw new OutOfMemoryException($"{allocator.Name} could not allocate {TypeLayout<T>.Size} bytes for {name ?? typeof(T).Name}.");
        return new NativeRef<T>(address);
    }

    /// <summary>Returns the block of <paramref name="handle"/> to <paramref name="allocator"/>; a null handle is ignored.</summary>
    /// <param name="allocator">The allocator it came from.</param>
    /// <param name="handle">The handle; every copy of it dangles afterwards.</param>
    public static void Free<T>(IAllocator allocator, NativeRef<T> handle)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(allocator);
        if (!handle.IsNull)
            allocator.DeAllocate(handle.Address, TypeLayout<T>.Size, TypeLayout<T>.Alignment);
    }

    /// <summary>
    /// Disposes the value of <paramref name="handle"/> in place, then returns its block to
    /// <paramref name="allocator"/>; a null handle is ignored.
    /// </summary>
    /// <param name="allocator">The allocator it came from.</param>
    /// <param name="handle">The handle; every copy of it dangles afterwards.</param>
    public static void DisposeAndFree<T>(IAllocator allocator, NativeRef<T> handle)
        where T : unmanaged, IDisposable
    {
        ArgumentNullException.ThrowIfNull(allocator);
        if (handle.IsNull)
            return;
        try
        {
            // A constrained call on the value in native memory: no boxed copy, explicit implementations work.
            handle.Value.Dispose();
        }
        finally
        {
            allocator.DeAllocate(handle.Address, TypeLayout<T>.Size, TypeLayout<T>.Alignment);
        }
    }
}
