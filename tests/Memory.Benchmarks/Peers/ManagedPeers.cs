using System.Buffers;
using System.Runtime.CompilerServices;

namespace Memory.Benchmarks.Peers;

/// <summary>
/// <see cref="ArrayPool{T}.Shared"/>: rent and return. What a .NET developer uses to avoid garbage; a rented
/// array may be larger than asked (power-of-two buckets), and arrays beyond what the pool keeps become garbage.
/// </summary>
public readonly struct ArrayPoolPeer : IBenchAllocator<byte[]>
{
    /// <inheritdoc/>
    public static PeerTraits Traits { get; } = new("ArrayPool<byte>.Shared", int.MaxValue, IsThreadSafe: true);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte[] Allocate(int size) => ArrayPool<byte>.Shared.Rent(size);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(byte[] block, int size) => ArrayPool<byte>.Shared.Return(block);

    /// <inheritdoc/>
    public static Span<byte> Bytes(byte[] block, int size) => block.AsSpan(0, size);
}

/// <summary>
/// The garbage collector: <c>new byte[size]</c>, and "free" drops the reference. Its cost is the allocation,
/// the zeroing, and the collections the garbage causes, which land inside the measured iterations because
/// every workload allocates far more than a generation-0 budget per iteration (the memory diagnoser shows
/// the collections per 1000 operations).
/// </summary>
public readonly struct GcNewPeer : IBenchAllocator<byte[]>
{
    /// <inheritdoc/>
    public static PeerTraits Traits { get; } = new("GC new byte[]", int.MaxValue, IsThreadSafe: true);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte[] Allocate(int size) => new byte[size];

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(byte[] block, int size)
    {
        // Nothing to do: the workload overwrites or drops its reference, and the collector reclaims it.
    }

    /// <inheritdoc/>
    public static Span<byte> Bytes(byte[] block, int size) => block.AsSpan(0, size);
}
