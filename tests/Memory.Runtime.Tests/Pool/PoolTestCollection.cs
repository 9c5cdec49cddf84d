namespace Memory.Runtime.Tests.Pool;

/// <summary>
/// The pool tests run alone. A refused request (above the maximum size) takes the allocator's out-of-memory path,
/// which garbage-collects every registered allocator from the calling thread; a <see cref="PoolAllocator"/> is not
/// thread-safe, so a test running beside another test's pool could trim that pool while its thread uses it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PoolTestCollection
{
    public const string Name = "Pool allocators";
}
