using Memory.Diagnostics;
using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Reliability;

/// <summary>
/// Item 11 of the reliability work: requests no collection can help skip the out-of-memory handling (listeners and a
/// collection of every allocator). Before, both cases below ran it on every call.
/// </summary>
public sealed class OutOfMemoryHandlingTests
{
    [Fact]
    public void A_pool_request_that_guard_bytes_take_past_the_largest_class_returns_0_without_the_handling()
    {
        using var pool = new PoolAllocator($"GuardedPool.{Guid.NewGuid():N}", PoolSchemaOptions.Default)
        {
            OverrunDetection = OverrunDetection.GuardBytes,
        };
        int notifications = CountNotifications(pool, () => Assert.Equal(0, pool.Allocate(500)));
        Assert.Equal(0, notifications);
    }

    [Fact]
    public void A_best_fit_block_that_cannot_grow_in_place_returns_0_without_the_handling()
    {
        using var external = new BestFitExternalAllocator($"External.{Guid.NewGuid():N}", 0x100000, 4096);
        nint first = external.Allocate(1024);
        nint second = external.Allocate(1024);
        int notifications = CountNotifications(external, () => Assert.Equal(0, external.ReAllocate(first, 2048)));
        Assert.Equal(0, notifications);
        external.DeAllocate(first);
        external.DeAllocate(second);
    }

    private static int CountNotifications(AllocatorBase allocator, Action action)
    {
        int notifications = 0;
        void Listener(OutOfMemoryEvent e)
        {
            if (e.Allocator == allocator)
                Interlocked.Increment(ref notifications);
        }
        AllocatorManager.AddOutOfMemoryListener(Listener);
        try
        {
            action();
        }
        finally
        {
            AllocatorManager.RemoveOutOfMemoryListener(Listener);
        }
        return notifications;
    }
}
