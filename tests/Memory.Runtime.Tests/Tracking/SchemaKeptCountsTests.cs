using Memory.Diagnostics;
using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Tracking;

/// <summary>
/// A schema that keeps its own counts (the pool): the allocator reports them instead of counting each call, so they
/// are exact in every mode and cover blocks allocated while tracking was off.
/// </summary>
public sealed class SchemaKeptCountsTests
{
    private static PoolAllocator NewPool(TrackingMode mode)
    {
        var pool = new PoolAllocator($"schema-counts.{Guid.NewGuid():N}", new PoolSchemaOptions());
        pool.Records.Mode = mode;
        return pool;
    }

    [Fact]
    public void ThePoolsCountsAreExactIncludingThePeakAndItsReset()
    {
        using var pool = NewPool(TrackingMode.Counters);
        var blocks = new List<nint>();
        long usable = 0;
        foreach (int size in new[] { 8, 24, 100, 256, 400, 512 })
        {
            nint block = pool.Allocate(size);
            Assert.NotEqual(0, block);
            blocks.Add(block);
            usable += pool.AllocationSize(block);
        }

        Assert.Equal(usable, pool.Records.AllocatedBytes);
        Assert.Equal(usable, pool.NumAllocatedBytes);
        Assert.Equal(6, pool.Records.LiveAllocations);
        Assert.Equal(6, pool.Records.TotalAllocations);
        Assert.Equal(usable, pool.Records.PeakBytes);

        long lastSize = pool.AllocationSize(blocks[^1]);
        pool.DeAllocate(blocks[^1]);
        blocks.RemoveAt(blocks.Count - 1);
        Assert.Equal(usable - lastSize, pool.Records.AllocatedBytes);
        Assert.Equal(5, pool.Records.LiveAllocations);
        Assert.Equal(usable, pool.Records.PeakBytes);

        pool.Records.ResetPeak();
        Assert.Equal(usable - lastSize, pool.Records.PeakBytes);

        foreach (nint block in blocks)
            pool.DeAllocate(block);
        Assert.Equal(0, pool.Records.AllocatedBytes);
        Assert.Equal(0, pool.Records.LiveAllocations);
        Assert.Equal(6, pool.Records.TotalAllocations);
    }

    [Fact]
    public void BlocksAllocatedWhileTrackingWasOffAreCountedAndFreeingThemLaterCannotGoNegative()
    {
        using var pool = NewPool(TrackingMode.None);
        nint early = pool.Allocate(64);
        pool.Records.Mode = TrackingMode.Counters;
        Assert.Equal(64, pool.Records.AllocatedBytes);
        Assert.Equal(1, pool.Records.LiveAllocations);

        pool.DeAllocate(early);
        Assert.Equal(0, pool.Records.AllocatedBytes);
        Assert.Equal(0, pool.Records.LiveAllocations);
        Assert.Equal(64, pool.Records.PeakBytes);
    }

    [Fact]
    public void RecordsModeAndReallocationKeepTheSameCounts()
    {
        using var pool = NewPool(TrackingMode.Records);
        nint block = pool.Allocate(40);
        long before = pool.AllocationSize(block);
        nint moved = pool.ReAllocate(block, 300);
        Assert.NotEqual(0, moved);
        Assert.Equal(pool.AllocationSize(moved), pool.Records.AllocatedBytes);
        Assert.Equal(1, pool.Records.LiveAllocations);
        Assert.Equal(1, pool.Records.RecordCount);
        Assert.Equal(before + pool.AllocationSize(moved), pool.Records.PeakBytes);

        pool.DeAllocate(moved);
        Assert.Equal(0, pool.Records.AllocatedBytes);
        Assert.Equal(0, pool.Records.RecordCount);
    }

    [Theory]
    [InlineData(OverrunDetection.GuardBytes)]
    [InlineData(OverrunDetection.GuardPage)]
    public void AGuardedBlockCountsAtTheUsersSizeAsWithAnyOtherSchema(OverrunDetection overrun)
    {
        using var pool = NewPool(TrackingMode.Counters);
        pool.OverrunDetection = overrun;
        nint block = pool.Allocate(100);

        // The pool handed out a larger block that holds guard bytes on both sides, or none at all (a guard page is
        // mapped outside it); the counts say what the user sees either way.
        Assert.Equal(100, pool.AllocationSize(block));
        Assert.Equal(100, pool.Records.AllocatedBytes);
        Assert.Equal(1, pool.Records.LiveAllocations);
        Assert.Equal(pool.Records.AllocatedBytes, pool.NumAllocatedBytes);

        pool.DeAllocate(block);
        Assert.Equal(0, pool.Records.AllocatedBytes);
        Assert.Equal(0, pool.Records.LiveAllocations);
        Assert.Equal(1, pool.Records.TotalAllocations);
    }
}
