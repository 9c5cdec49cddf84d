using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Memory.Benchmarks.Peers;

/// <summary>What every pointer-based adapter shares: the null check and the view of a block's bytes.</summary>
internal static class NativeBlocks
{
    /// <summary>Returns the block, or throws when the allocator could not serve the request.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Checked(nint block, int size)
    {
        if (block == 0)
            ThrowOutOfMemory(size);
        return block;
    }

    /// <summary>The first <paramref name="size"/> bytes at <paramref name="block"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Span<byte> Bytes(nint block, int size) => new((void*)block, size);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOutOfMemory(int size)
        => throw new OutOfMemoryException($"The allocator under test returned null for {size} bytes.");
}
