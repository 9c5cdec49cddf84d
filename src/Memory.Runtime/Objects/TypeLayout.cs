using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Memory.Objects;

/// <summary>The size and alignment of an unmanaged type, as the runtime lays it out.</summary>
/// <typeparam name="T">The type.</typeparam>
/// <remarks>
/// C# has <c>sizeof</c> but no <c>alignof</c>. The alignment is measured as the padding the runtime puts
/// between a byte and a <typeparamref name="T"/> in a sequential struct, which is exactly the alignment it
/// gives <typeparamref name="T"/> (respecting <c>[StructLayout(Pack = ...)]</c>). Both values are constants
/// to the JIT.
/// </remarks>
// Called by generated code, not by users: hidden from completion lists so the real API stands alone there.
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TypeLayout<T>
    where T : unmanaged
{
    /// <summary>The size in bytes, <c>sizeof(T)</c>.</summary>
    public static nint Size
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Unsafe.SizeOf<T>();
    }

    /// <summary>The alignment in bytes: a power of two, at least 1.</summary>
    public static nint Alignment
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Unsafe.SizeOf<AlignmentProbe>() - Unsafe.SizeOf<T>();
    }

    // Field order matters: the runtime pads after Head up to T's alignment.
    private struct AlignmentProbe
    {
#pragma warning disable CS0649 // Never assigned: the struct is only measured.
        public byte Head;
        public T Value;
#pragma warning restore CS0649
    }
}
