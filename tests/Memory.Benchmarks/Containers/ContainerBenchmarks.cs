using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Memory.Buffers;
using Memory.Containers;
using Memory.Tracking;

namespace Memory.Benchmarks.Containers;

/// <summary>
/// <see cref="NativeList{T}"/> against <see cref="List{T}"/>, the collection a user would otherwise pick:
/// appending into a new list (growth included), appending into a list that already has room, and reading
/// by index. Both use the default allocator a user gets without naming one.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class NativeListBenchmarks
{
    private List<int> _managed = null!;
    private NativeList<int> _native = null!;

    /// <summary>Elements per operation.</summary>
    [Params(1024)]
    public int Count { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _managed = new List<int>(Count);
        _native = new NativeList<int>(Count);
        for (int i = 0; i < Count; i++)
        {
            _managed.Add(i);
            _native.Add(i);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _native.Dispose();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Add to a new list")]
    public int List_AddNew()
    {
        var list = new List<int>();
        for (int i = 0; i < Count; i++)
            list.Add(i);
        return list.Count;
    }

    [Benchmark]
    [BenchmarkCategory("Add to a new list")]
    public int NativeList_AddNew()
    {
        using var list = new NativeList<int>();
        for (int i = 0; i < Count; i++)
            list.Add(i);
        return list.Count;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Add with room")]
    public int List_AddWithRoom()
    {
        _managed.Clear();
        for (int i = 0; i < Count; i++)
            _managed.Add(i);
        return _managed.Count;
    }

    [Benchmark]
    [BenchmarkCategory("Add with room")]
    public int NativeList_AddWithRoom()
    {
        _native.Clear();
        for (int i = 0; i < Count; i++)
            _native.Add(i);
        return _native.Count;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Index")]
    public long List_Index()
    {
        long sum = 0;
        for (int i = 0; i < _managed.Count; i++)
            sum += _managed[i];
        return sum;
    }

    [Benchmark]
    [BenchmarkCategory("Index")]
    public long NativeList_Index()
    {
        long sum = 0;
        for (int i = 0; i < _native.Count; i++)
            sum += _native[i];
        return sum;
    }
}

/// <summary>
/// Renting and returning a buffer: our <see cref="AllocatorMemoryPool"/> against
/// <see cref="MemoryPool{T}.Shared"/> (the baseline) and <see cref="ArrayPool{T}.Shared"/>. Ours runs over the
/// default allocator (tracking counters on, as a user gets it), over an OS allocator with tracking off, and
/// without its cache (every rent an exact-size block from the system allocator, the pool's old behaviour).
/// </summary>
[MemoryDiagnoser]
public class MemoryPoolBenchmarks
{
    private AllocatorMemoryPool _pool = null!;
    private OSAllocator _untracked = null!;
    private AllocatorMemoryPool _untrackedPool = null!;
    private AllocatorMemoryPool _uncachedPool = null!;

    /// <summary>Bytes per rent.</summary>
    [Params(512, 4096, 65536)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pool = new AllocatorMemoryPool();
        _untracked = new OSAllocator();
        _untracked.Records.Mode = TrackingMode.None;
        _untrackedPool = new AllocatorMemoryPool(_untracked);
        _uncachedPool = new AllocatorMemoryPool(maxCachedBytes: 0);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pool.Dispose();
        _untrackedPool.Dispose();
        _uncachedPool.Dispose();
        _untracked.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int SharedMemoryPool_RentDispose()
    {
        using var owner = MemoryPool<byte>.Shared.Rent(Size);
        return owner.Memory.Length;
    }

    [Benchmark]
    public int SharedArrayPool_RentReturn()
    {
        byte[] array = ArrayPool<byte>.Shared.Rent(Size);
        int length = array.Length;
        ArrayPool<byte>.Shared.Return(array);
        return length;
    }

    [Benchmark]
    public int AllocatorMemoryPool_RentDispose()
    {
        using var owner = _pool.Rent(Size);
        return owner.Memory.Length;
    }

    [Benchmark]
    public int AllocatorMemoryPool_Untracked_RentDispose()
    {
        using var owner = _untrackedPool.Rent(Size);
        return owner.Memory.Length;
    }

    /// <summary>The pool without its cache: every rent is an exact-size block from the system allocator.</summary>
    [Benchmark]
    public int AllocatorMemoryPool_NoCache_RentDispose()
    {
        using var owner = _uncachedPool.Rent(Size);
        return owner.Memory.Length;
    }
}
