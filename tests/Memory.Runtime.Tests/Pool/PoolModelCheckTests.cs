using Memory.Schemas;

namespace Memory.Runtime.Tests.Pool;

/// <summary>A million random operations per schema against the reference model (<see cref="PoolModelCheck"/>).</summary>
[Collection(PoolTestCollection.Name)]
public class PoolModelCheckTests
{
    private const int Operations = 1_000_000;

    [Theory]
    [InlineData(PoolKind.Pool)]
    [InlineData(PoolKind.ThreadPool)]
    public void DefaultPoolAgreesWithTheModel(PoolKind kind)
    {
        using var allocator = PoolAllocators.Create(kind);
        PoolModelCheck.Run(allocator, PoolSchemaOptions.Default, Operations, seed: 1);
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Theory]
    [InlineData(PoolKind.Pool)]
    [InlineData(PoolKind.ThreadPool)]
    public void CustomPoolAgreesWithTheModel(PoolKind kind)
    {
        var options = new PoolSchemaOptions { PageSize = 1024, MinAllocationSize = 64, MaxAllocationSize = 256 };
        using var allocator = PoolAllocators.Create(kind, options);
        PoolModelCheck.Run(allocator, options, Operations / 4, seed: 2);
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Fact]
    public void ThreadPoolAgreesWithTheModelAcrossThreads()
    {
        const int threads = 4;
        using var allocator = (ThreadPoolAllocator)PoolAllocators.Create(PoolKind.ThreadPool);
        PoolModelCheck.RunThreads(allocator, PoolSchemaOptions.Default, threads, Operations / threads, seed: 3);
        Assert.Equal(0, allocator.NumAllocatedBytes);
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.ReservedBytes);
        Assert.Equal(0, allocator.OrphanedPoolCount);
    }
}
