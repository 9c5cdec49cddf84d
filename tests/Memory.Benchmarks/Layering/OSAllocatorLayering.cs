using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Memory.Benchmarks.Peers;
using Memory.Schemas;

namespace Memory.Benchmarks.Layering;

/// <summary>
/// What the allocator layering costs on top of the C heap: <see cref="Memory.OSAllocator"/> (argument checks,
/// tracking mode, the schema's header) against a bare <c>NativeMemory.Alloc/Free</c>, with tracking off and
/// with the default Counters. The target is at most 5% over NativeMemory.
/// </summary>
/// <remarks>
/// Each invocation makes 1024 allocations, <see cref="Live"/> at a time: 1 is an allocate/free pair (the
/// C heap's fastest path, where the layering shows most), 64 allocates 64 blocks then frees them. Times are
/// per allocation and free.
/// <para>
/// <see cref="CHeapWithHeaderRoom"/> calls <c>malloc</c>/<c>free</c> directly (no GC transition, as
/// <see cref="OSSchema"/> does) for blocks 16 bytes bigger, the room of the schema's header, and
/// does nothing else: it separates what the C heap does with the bigger blocks (a different size class, a
/// different layout of 64 blocks) from what the layer's own code costs.
/// </para>
/// </remarks>
public class OSAllocatorLayering
{
    private const int Operations = 1024;

    private readonly nint[] _blocks = new nint[64];

    /// <summary>Bytes per block.</summary>
    [Params(16, 256, 4096)]
    public int Size { get; set; }

    /// <summary>Blocks alive at once.</summary>
    [Params(1, 64)]
    public int Live { get; set; }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations), Peer(typeof(NativeMemoryPeer))]
    public void NativeMemory() => Cycle<NativeMemoryPeer>();

    [Benchmark(OperationsPerInvoke = Operations), Peer(typeof(HeaderRoomPeer))]
    public void CHeapWithHeaderRoom() => Cycle<HeaderRoomPeer>();

    [Benchmark(OperationsPerInvoke = Operations), Peer(typeof(OSAllocatorPeer))]
    public void OSAllocatorNone() => Cycle<OSAllocatorPeer>();

    [Benchmark(OperationsPerInvoke = Operations), Peer(typeof(OSAllocatorCountersPeer))]
    public void OSAllocatorCounters() => Cycle<OSAllocatorCountersPeer>();

    private void Cycle<TAllocator>()
        where TAllocator : struct, IBenchAllocator<nint>
    {
        nint[] blocks = _blocks;
        int live = Live;
        int size = Size;
        for (int round = 0; round < Operations / live; round++)
        {
            for (int i = 0; i < live; i++)
                blocks[i] = TAllocator.Allocate(size);
            for (int i = 0; i < live; i++)
                TAllocator.Free(blocks[i], size);
        }
    }

    /// <summary>glibc's <c>malloc</c>/<c>free</c>, called directly, for blocks with room for the schema's header.</summary>
    public readonly struct HeaderRoomPeer : IBenchAllocator<nint>
    {
        /// <inheritdoc/>
        public static PeerTraits Traits { get; } = NativeHeapPeer<Glibc>.Traits with { Name = $"glibc, {OSSchema.HeaderSize} B more" };

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static nint Allocate(int size) => NativeHeapPeer<Glibc>.Allocate(size + (int)OSSchema.HeaderSize);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Free(nint block, int size) => NativeHeapPeer<Glibc>.Free(block, size + (int)OSSchema.HeaderSize);

        /// <inheritdoc/>
        public static Span<byte> Bytes(nint block, int size) => NativeBlocks.Bytes(block, size);
    }
}
