using Memory.Runtime.Tests.Tracking;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Core;

/// <summary>
/// A request a schema can never serve is refused at once; only a request that freed memory could help goes
/// through the out-of-memory handling (listeners, a collection of every allocator, one retry).
/// </summary>
[Collection(ProcessWideStateCollection.Name)]
public sealed class OutOfMemoryRoutingTests
{
    [Fact]
    public void A_pool_request_above_its_largest_class_is_refused_without_the_out_of_memory_handling()
    {
        using var pool = new PoolAllocator($"oom-pool.{Guid.NewGuid():N}", new Memory.Schemas.PoolSchemaOptions());
        int heard = 0;
        Action<OutOfMemoryEvent> listener = e => { if (ReferenceEquals(e.Allocator, pool)) heard++; };
        AllocatorManager.AddOutOfMemoryListener(listener);
        try
        {
            Assert.Equal(0, pool.Allocate(513));
            Assert.Equal(0, pool.Allocate(64, alignment: 8192));
            Assert.Equal(0, heard);
        }
        finally
        {
            AllocatorManager.RemoveOutOfMemoryListener(listener);
        }
    }

    [Fact]
    public void An_external_range_hears_of_exhaustion_but_not_of_a_request_longer_than_the_range()
    {
        using var range = new BestFitExternalAllocator($"oom-range.{Guid.NewGuid():N}", baseAddress: 0x1000_0000, length: 4096);
        int heard = 0;
        Action<OutOfMemoryEvent> listener = e => { if (ReferenceEquals(e.Allocator, range)) heard++; };
        AllocatorManager.AddOutOfMemoryListener(listener);
        try
        {
            Assert.Equal(0, range.Allocate(8192));
            Assert.Equal(0, heard);

            nint whole = range.Allocate(4096);
            Assert.NotEqual(0, whole);
            Assert.Equal(0, range.Allocate(16));
            Assert.Equal(1, heard);
            range.DeAllocate(whole);
        }
        finally
        {
            AllocatorManager.RemoveOutOfMemoryListener(listener);
        }
    }
}
