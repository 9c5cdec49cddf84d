using System.Runtime.CompilerServices;

namespace Memory.Containers;

/// <summary>The size and alignment the runtime gives an unmanaged type, as JIT-time constants.</summary>
internal static class ElementLayout
{
    /// <summary>
    /// The alignment of <typeparamref name="T"/>: a byte followed by a <typeparamref name="T"/> is padded to
    /// the alignment of <typeparamref name="T"/>, so the difference of the two sizes is that alignment
    /// (whichever order the runtime lays the two fields out in).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int AlignmentOf<T>()
        where T : unmanaged
        => Unsafe.SizeOf<AlignmentProbe<T>>() - Unsafe.SizeOf<T>();

    private struct AlignmentProbe<T>
        where T : unmanaged
    {
#pragma warning disable CS0169 // The fields exist only to be laid out.
        private byte _padding;
        private T _value;
#pragma warning restore CS0169
    }
}
