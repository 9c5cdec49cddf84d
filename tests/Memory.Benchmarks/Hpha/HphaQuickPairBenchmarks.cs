using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Memory.Tracking;

namespace Memory.Benchmarks.Hpha;

/// <summary>
/// The system allocator's tightest loop against the C heap: allocate a small block, write its first byte, free it,
/// on one thread. This is the path the thread caches serve without a lock. Tracking is off (the algorithm) and at
/// its default (Counters).
/// </summary>
[MemoryDiagnoser]
public unsafe class HphaQuickPairBenchmarks
{
    private SystemAllocator _untracked = null!;
    private SystemAllocator _counted = null!;

    [Params(16, 64, 256)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _untracked = new SystemAllocator { Records = { Mode = TrackingMode.None } };
        _counted = new SystemAllocator();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _untracked.Dispose();
        _counted.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void NativeMemoryPair()
    {
        var block = (byte*)NativeMemory.Alloc((nuint)Size);
        *block = 1;
        NativeMemory.Free(block);
    }

    [Benchmark]
    public void SystemAllocatorPair() => Pair(_untracked);

    [Benchmark]
    public void SystemAllocatorPairCounters() => Pair(_counted);

    private void Pair(SystemAllocator allocator)
    {
        nint block = allocator.Allocate(Size);
        *(byte*)block = 1;
        allocator.DeAllocate(block);
    }
}
