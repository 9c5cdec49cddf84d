using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Memory.Benchmarks.Peers;

/// <summary>
/// What a C# developer would write instead of a pool allocator: power-of-two buckets (16 B to 4 KiB) of native
/// blocks kept on plain arrays used as stacks, NativeMemory behind them for a bucket that is empty and for
/// larger sizes. Not thread-safe, no counts, no checks: the bar a small-block allocator has to clear.
/// </summary>
public sealed unsafe class NativeBufferPool
{
    private const int MinShift = 4;
    private const int BucketCount = 9;
    private const int BlocksPerBucket = 4096;

    private readonly nint[][] _blocks = new nint[BucketCount][];
    private readonly int[] _counts = new int[BucketCount];

    /// <summary>An empty pool.</summary>
    public NativeBufferPool()
    {
        for (int i = 0; i < BucketCount; i++)
            _blocks[i] = new nint[BlocksPerBucket];
    }

    /// <summary>A block of at least <paramref name="size"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public nint Rent(int size)
    {
        int bucket = BucketOf(size);
        if ((uint)bucket >= BucketCount)
            return (nint)NativeMemory.Alloc((nuint)size);
        int count = _counts[bucket];
        if (count == 0)
            return (nint)NativeMemory.Alloc((nuint)1 << (bucket + MinShift));
        _counts[bucket] = --count;
        return _blocks[bucket][count];
    }

    /// <summary>Gives back a block rented with <paramref name="size"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Return(nint block, int size)
    {
        int bucket = BucketOf(size);
        if ((uint)bucket < BucketCount && _counts[bucket] < BlocksPerBucket)
        {
            _blocks[bucket][_counts[bucket]++] = block;
            return;
        }
        NativeMemory.Free((void*)block);
    }

    // 1-16 -> 0 (16 B), 17-32 -> 1, ..., 2049-4096 -> 8.
    private static int BucketOf(int size) => size <= 1 << MinShift ? 0 : BitOperations.Log2((uint)size - 1) + 1 - MinShift;
}

/// <summary><see cref="NativeBufferPool"/> as a peer: one pool, for the one thread of a single-threaded workload.</summary>
public readonly struct NativeBufferPoolPeer : IBenchAllocator<nint>
{
    private static readonly NativeBufferPool Pool = new();

    /// <inheritdoc/>
    public static PeerTraits Traits { get; } = new("NativeBufferPool", int.MaxValue, IsThreadSafe: false);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Allocate(int size) => NativeBlocks.Checked(Pool.Rent(size), size);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(nint block, int size) => Pool.Return(block, size);

    /// <inheritdoc/>
    public static Span<byte> Bytes(nint block, int size) => NativeBlocks.Bytes(block, size);
}
