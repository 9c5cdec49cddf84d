using System.Runtime.CompilerServices;

namespace Memory.Objects;

/// <summary>
/// A typed handle to one <typeparamref name="T"/> living in native memory: what a generated
/// <c>Create(...)</c> of an unmanaged <c>[ClassAllocator]</c> struct returns and its <c>Destroy</c> takes back.
/// </summary>
/// <remarks>
/// The handle is a pointer-sized value, so copying it copies the address, not the struct. Callers reach the
/// struct through <see cref="Value"/> (a <c>ref</c>, so writes land in native memory) without an <c>unsafe</c>
/// context; code that wants the raw pointer converts the handle to <c>T*</c>. The handle does not own the
/// memory: after <c>Destroy</c> every copy dangles, like a C++ pointer after <c>delete</c>.
/// </remarks>
/// <typeparam name="T">The struct it points to.</typeparam>
public readonly struct NativeRef<T> : IEquatable<NativeRef<T>>
    where T : unmanaged
{
    private readonly nint _address;

    /// <summary>Wraps an address that holds a <typeparamref name="T"/>; 0 makes a null handle.</summary>
    /// <param name="address">The address of a live, suitably aligned <typeparamref name="T"/>.</param>
    public NativeRef(nint address) => _address = address;

    /// <summary>The null handle.</summary>
    public static NativeRef<T> Null => default;

    /// <summary>The address of the struct; 0 for a null handle.</summary>
    public nint Address => _address;

    /// <summary>Whether the handle points nowhere.</summary>
    public bool IsNull => _address == 0;

    /// <summary>The struct itself, by reference: reads and writes go straight to native memory.</summary>
    /// <exception cref="NullReferenceException">The handle is null.</exception>
    public unsafe ref T Value
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_address == 0)
                ThrowNull();
            return ref Unsafe.AsRef<T>((void*)_address);
        }
    }

    /// <summary>The struct as a one-element span (empty for a null handle), for APIs that take spans.</summary>
    public unsafe Span<T> AsSpan() => _address == 0 ? default : new Span<T>((void*)_address, 1);

    /// <summary>The raw pointer, for code that is already <c>unsafe</c>.</summary>
    /// <param name="handle">The handle.</param>
    public static unsafe implicit operator T*(NativeRef<T> handle) => (T*)handle._address;

    /// <summary>Wraps a raw pointer to a live <typeparamref name="T"/>.</summary>
    /// <param name="pointer">The pointer; null makes a null handle.</param>
    public static unsafe explicit operator NativeRef<T>(T* pointer) => new((nint)pointer);

    /// <summary>Whether two handles point at the same address.</summary>
    public static bool operator ==(NativeRef<T> left, NativeRef<T> right) => left._address == right._address;

    /// <summary>Whether two handles point at different addresses.</summary>
    public static bool operator !=(NativeRef<T> left, NativeRef<T> right) => left._address != right._address;

    /// <inheritdoc/>
    public bool Equals(NativeRef<T> other) => _address == other._address;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is NativeRef<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _address.GetHashCode();

    /// <summary>The type and address, e.g. <c>NativeRef&lt;Point&gt;(0x7F3A10)</c>.</summary>
    public override string ToString() => $"NativeRef<{typeof(T).Name}>(0x{_address:X})";

    private static void ThrowNull() => throw new NullReferenceException($"The NativeRef<{typeof(T).Name}> is null.");
}
