using Memory.Schemas;

namespace Memory.Runtime.Tests.Reliability;

/// <summary>
/// Disposal (item 9 of the reliability work and the disposed-allocator rule): an idle allocator gives its pages back,
/// as System and Heap always did and Pool and ThreadPool did not (about 400 KB of C heap each), and a disposed
/// allocator refuses new allocations while blocks allocated before stay valid and may be freed.
/// </summary>
public sealed class DisposeTests
{
    [Theory]
    [InlineData("Pool")]
    [InlineData("ThreadPool")]
    [InlineData("Heap")]
    [InlineData("System")]
    public void Dispose_of_an_idle_allocator_returns_its_pages(string kind)
    {
        var (allocator, parent) = ReliabilityAllocators.Create(kind, $"Idle.{kind}.{Guid.NewGuid():N}");
        var blocks = Enumerable.Range(0, 5000).Select(i => allocator.Allocate(16 + i % 400)).ToArray();
        foreach (nint block in blocks)
            allocator.DeAllocate(block);
        Assert.True(allocator.ReservedBytes > 0);

        allocator.Dispose();
        parent?.Dispose();
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Theory]
    [InlineData("Pool")]
    [InlineData("ThreadPool")]
    [InlineData("Heap")]
    [InlineData("System")]
    [InlineData("Child")]
    [InlineData("BestFitExternal")]
    public void A_disposed_allocator_refuses_allocations_and_still_frees_older_blocks(string kind)
    {
        var (allocator, parent) = ReliabilityAllocators.Create(kind, $"Disposed.{kind}.{Guid.NewGuid():N}");
        nint older = allocator.Allocate(32);
        allocator.Dispose();

        var refused = Assert.Throws<ObjectDisposedException>(() => allocator.Allocate(32));
        Assert.Contains(allocator.Name, refused.Message);
        Assert.Throws<ObjectDisposedException>(() => allocator.ReAllocate(older, 64));

        allocator.DeAllocate(older);
        Assert.Equal(0, allocator.NumAllocatedBytes);
        parent?.Dispose();
    }
}
