using BenchmarkDotNet.Attributes;
using Memory.Benchmarks.Peers;

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
}
