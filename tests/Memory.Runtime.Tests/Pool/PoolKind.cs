using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Pool;

/// <summary>Which pool allocator a shared test runs against.</summary>
public enum PoolKind
{
    Pool,
    ThreadPool,
}

/// <summary>Makes uniquely named pool allocators for tests.</summary>
internal static class PoolAllocators
{
    private static int s_created;

    /// <summary>A new allocator of <paramref name="kind"/>; dispose it at the end of the test.</summary>
    /// <param name="mode">Tracking: <see cref="TrackingMode.None"/> makes the figures the schema's own.</param>
    public static AllocatorBase Create(PoolKind kind, PoolSchemaOptions? options = null, TrackingMode mode = TrackingMode.None)
    {
        options ??= PoolSchemaOptions.Default;
        string name = $"{kind}Test{Interlocked.Increment(ref s_created)}";
        AllocatorBase allocator = kind == PoolKind.Pool
            ? new PoolAllocator(name, options)
            : new ThreadPoolAllocator(name, options);
        allocator.Records.Mode = mode;
        return allocator;
    }
}
