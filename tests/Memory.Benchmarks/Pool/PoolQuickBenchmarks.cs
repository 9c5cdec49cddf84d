using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Benchmarks.Pool;

/// <summary>
/// A quick look at the pool allocators against what a user would pick instead: one allocate + free pair, and a
/// batch of 100 allocations freed in order, for small sizes. Pools run with tracking off and with the default
/// (counters). NativeMemory is the baseline (glibc malloc on Linux).
/// </summary>
[MemoryDiagnoser]
public unsafe class PoolQuickBenchmarks
{
    private const int Batch = 100;
    private readonly nint[] _blocks = new nint[Batch];
    private PoolAllocator _pool = null!;
    private PoolAllocator _poolCounted = null!;
    private ThreadPoolAllocator _threadPool = null!;
    private ThreadPoolAllocator _threadPoolCounted = null!;

    [Params(16, 64)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pool = new PoolAllocator("BenchPool", PoolSchemaOptions.Default);
        _pool.Records.Mode = TrackingMode.None;
        _poolCounted = new PoolAllocator("BenchPoolCounted", PoolSchemaOptions.Default);
        _poolCounted.Records.Mode = TrackingMode.Counters;
        _threadPool = new ThreadPoolAllocator("BenchThreadPool", PoolSchemaOptions.Default);
        _threadPool.Records.Mode = TrackingMode.None;
        _threadPoolCounted = new ThreadPoolAllocator("BenchThreadPoolCounted", PoolSchemaOptions.Default);
        _threadPoolCounted.Records.Mode = TrackingMode.Counters;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pool.Dispose();
        _poolCounted.Dispose();
        _threadPool.Dispose();
        _threadPoolCounted.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void NativeMemoryPair() => NativeMemory.Free(NativeMemory.Alloc((nuint)Size));

    [Benchmark]
    public byte[] GcNewArray() => new byte[Size];

    [Benchmark]
    public void PoolPair() => _pool.DeAllocate(_pool.Allocate(Size));

    [Benchmark]
    public void PoolPairCounters() => _poolCounted.DeAllocate(_poolCounted.Allocate(Size));

    [Benchmark]
    public void ThreadPoolPair() => _threadPool.DeAllocate(_threadPool.Allocate(Size));

    [Benchmark]
    public void ThreadPoolPairCounters() => _threadPoolCounted.DeAllocate(_threadPoolCounted.Allocate(Size));

    [Benchmark(OperationsPerInvoke = Batch)]
    public void NativeMemoryBatch()
    {
        for (int i = 0; i < Batch; i++)
            _blocks[i] = (nint)NativeMemory.Alloc((nuint)Size);
        for (int i = 0; i < Batch; i++)
            NativeMemory.Free((void*)_blocks[i]);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void PoolBatch()
    {
        for (int i = 0; i < Batch; i++)
            _blocks[i] = _pool.Allocate(Size);
        for (int i = 0; i < Batch; i++)
            _pool.DeAllocate(_blocks[i]);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void ThreadPoolBatch()
    {
        for (int i = 0; i < Batch; i++)
            _blocks[i] = _threadPool.Allocate(Size);
        for (int i = 0; i < Batch; i++)
            _threadPool.DeAllocate(_blocks[i]);
    }
}
