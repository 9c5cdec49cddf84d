using System.Runtime.CompilerServices;

namespace Memory.Internal;

/// <summary>Power-of-two arithmetic shared by every schema.</summary>
internal static class AlignmentMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsPowerOfTwo(nint value) => value > 0 && (value & (value - 1)) == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint AlignUp(nint value, nint alignment) => (value + alignment - 1) & ~(alignment - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsAligned(nint value, nint alignment) => (value & (alignment - 1)) == 0;
}
