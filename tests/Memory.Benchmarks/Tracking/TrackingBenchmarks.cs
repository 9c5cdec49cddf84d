using BenchmarkDotNet.Attributes;
using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Benchmarks.Tracking;

/// <summary>
/// What tracking costs: alloc+free pairs of a fixed mix of sizes through an allocator over the C heap,
/// in each tracking mode, as a ratio of <see cref="TrackingMode.None"/>. Run for a schema that is
/// thread-safe (striped per-thread counters) and one that is not (plain counters).
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project tests/Memory.Benchmarks -- --filter *TrackingBenchmarks* --job short</c>
/// </remarks>
public class TrackingBenchmarks
{
    private const int Blocks = 64;

    // Small and medium requests as a game or server makes them, 16 B to 2 KiB, averaging about 250 B.
    private static readonly nint[] Sizes = Enumerable.Range(0, Blocks)
        .Select(i => (nint)(new[] { 16, 24, 32, 48, 64, 96, 128, 256, 40, 200, 512, 72, 1024, 8, 2048, 160 }[i % 16]))
        .ToArray();

    private readonly nint[] _blocks = new nint[Blocks];
    private AllocatorBase _none = null!;
    private AllocatorBase _counters = null!;
    private AllocatorBase _records = null!;
    private AllocatorBase _stacks = null!;

    /// <summary>Whether the schema is thread-safe (striped counters) or not (plain counters).</summary>
    [Params(true, false)]
    public bool ThreadSafeSchema { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _none = Create(TrackingMode.None);
        _counters = Create(TrackingMode.Counters);
        _records = Create(TrackingMode.Records);
        _stacks = Create(TrackingMode.RecordsWithStacks);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _none.Dispose();
        _counters.Dispose();
        _records.Dispose();
        _stacks.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Blocks)]
    public void None() => AllocateAndFree(_none);

    [Benchmark(OperationsPerInvoke = Blocks)]
    public void Counters() => AllocateAndFree(_counters);

    [Benchmark(OperationsPerInvoke = Blocks)]
    public void Records() => AllocateAndFree(_records);

    [Benchmark(OperationsPerInvoke = Blocks)]
    public void RecordsWithStacks() => AllocateAndFree(_stacks);

    private void AllocateAndFree(AllocatorBase allocator)
    {
        var blocks = _blocks;
        var sizes = Sizes;
        for (int i = 0; i < blocks.Length; i++)
            blocks[i] = allocator.Allocate(sizes[i]);
        for (int i = 0; i < blocks.Length; i++)
            allocator.DeAllocate(blocks[i]);
    }

    private AllocatorBase Create(TrackingMode mode)
    {
        AllocatorBase allocator = ThreadSafeSchema
            ? new ThreadSafeBenchmarkAllocator($"TrackingBenchmarks.{mode}")
            : new SingleThreadedBenchmarkAllocator($"TrackingBenchmarks.{mode}.SingleThreaded");
        allocator.Records.Mode = mode;
        return allocator;
    }

    private sealed class ThreadSafeBenchmarkAllocator(string name)
        : AllocatorBase<OSSchema>(name, "tracking benchmark allocator", default);

    private sealed class SingleThreadedBenchmarkAllocator(string name)
        : AllocatorBase<SingleThreadedOSSchema>(name, "tracking benchmark allocator, not thread-safe", default);

    /// <summary>The C heap behind a schema that declares itself not thread-safe.</summary>
    private readonly struct SingleThreadedOSSchema : IAllocationSchema
    {
        public static bool IsThreadSafe => false;

        public long NumAllocatedBytes => 0;

        public long ReservedBytes => 0;

        public long Capacity => long.MaxValue;

        private static OSSchema Os => default;

        public nint Allocate(nint size, nint alignment) => Os.Allocate(size, alignment);

        public void DeAllocate(nint pointer, nint size, nint alignment) => Os.DeAllocate(pointer, size, alignment);

        public nint ReAllocate(nint pointer, nint newSize, nint newAlignment) => Os.ReAllocate(pointer, newSize, newAlignment);

        public nint AllocationSize(nint pointer) => Os.AllocationSize(pointer);

        public void GarbageCollect()
        {
        }
    }
}
