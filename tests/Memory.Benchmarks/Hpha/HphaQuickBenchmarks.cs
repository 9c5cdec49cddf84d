using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Memory.Tracking;

namespace Memory.Benchmarks.Hpha;

/// <summary>
/// A quick look at the system allocator against the C heap: a working set of live blocks in which a random
/// block is freed and replaced by one of a random size, over and over (the steady state of a long-running
/// program). Sizes are log-uniform, so small blocks dominate as they do in real programs. Not the project's
/// benchmark suite; a sanity check of the schema's speed.
/// </summary>
[MemoryDiagnoser]
public unsafe class HphaQuickBenchmarks
{
    private const int Operations = 200_000;
    private const int LiveBlocks = 4096;

    private int[] _sizes = [];
    private int[] _slots = [];
    private nint[] _live = [];
    private SystemAllocator _untracked = null!;
    private SystemAllocator _counted = null!;

    /// <summary>Largest size of the log-uniform range (smallest 8): 512 is all small blocks, 8192 mixes in the tree.</summary>
    [Params(512, 8192)]
    public int MaxSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _sizes = new int[Operations + LiveBlocks];
        for (int i = 0; i < _sizes.Length; i++)
            _sizes[i] = (int)(8 * Math.Exp(random.NextDouble() * Math.Log(MaxSize / 8.0)));
        _slots = new int[Operations];
        for (int i = 0; i < _slots.Length; i++)
            _slots[i] = random.Next(LiveBlocks);
        _live = new nint[LiveBlocks];
        _untracked = new SystemAllocator { Records = { Mode = TrackingMode.None } };
        _counted = new SystemAllocator();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _untracked.Dispose();
        _counted.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public void NativeMemoryAllocFree()
    {
        nint[] live = _live;
        for (int i = 0; i < LiveBlocks; i++)
            live[i] = (nint)NativeMemory.Alloc((nuint)_sizes[i]);
        for (int i = 0; i < Operations; i++)
        {
            int slot = _slots[i];
            NativeMemory.Free((void*)live[slot]);
            live[slot] = (nint)NativeMemory.Alloc((nuint)_sizes[LiveBlocks + i]);
        }
        for (int i = 0; i < LiveBlocks; i++)
            NativeMemory.Free((void*)live[i]);
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public void SystemAllocatorUntracked() => Run(_untracked);

    [Benchmark(OperationsPerInvoke = Operations)]
    public void SystemAllocatorCounters() => Run(_counted);

    private void Run(SystemAllocator allocator)
    {
        nint[] live = _live;
        for (int i = 0; i < LiveBlocks; i++)
            live[i] = allocator.Allocate(_sizes[i]);
        for (int i = 0; i < Operations; i++)
        {
            int slot = _slots[i];
            allocator.DeAllocate(live[slot]);
            live[slot] = allocator.Allocate(_sizes[LiveBlocks + i]);
        }
        for (int i = 0; i < LiveBlocks; i++)
            allocator.DeAllocate(live[i]);
    }
}
