using System.Runtime.CompilerServices;
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

    // Looking a block's size up would cost such a schema a call on every allocation and free for a figure it has already.
    [Fact]
    public void TheCountingPathNeverAsksTheSchemaForABlockSizeAndReportsItsCounts()
    {
        using var allocator = new SelfCountingTestAllocator(TrackingMode.Counters);
        var blocks = new List<nint>();
        for (int i = 1; i <= 64; i++)
            blocks.Add(allocator.Allocate(i * 8));
        for (int i = 0; i < blocks.Count; i += 2)
            blocks[i] = allocator.ReAllocate(blocks[i], 1000);
        for (int i = blocks.Count - 1; i >= 32; i--)
        {
            allocator.DeAllocate(blocks[i]);
            blocks.RemoveAt(i);
        }

        SelfCountingSchema.Tally tally = allocator.Tally;
        Assert.Equal(0, tally.SizeLookups);
        Assert.Equal(tally.Bytes, allocator.Records.AllocatedBytes);
        Assert.Equal(tally.Allocations - tally.Frees, allocator.Records.LiveAllocations);
        Assert.Equal(32, allocator.Records.LiveAllocations);
        Assert.Equal(tally.Peak, allocator.Records.PeakBytes);

        foreach (nint block in blocks)
            allocator.DeAllocate(block);
        Assert.Equal(0, allocator.Records.AllocatedBytes);
        Assert.Equal(0, tally.SizeLookups);
    }

    [Fact]
    public void TheSchemaIsToldWhenItsAllocatorStartsAndStopsCounting()
    {
        using var allocator = new SelfCountingTestAllocator(TrackingMode.None);
        Assert.False(allocator.Tally.Counting);
        allocator.Records.Mode = TrackingMode.Counters;
        Assert.True(allocator.Tally.Counting);
        allocator.Records.Mode = TrackingMode.Records;
        Assert.True(allocator.Tally.Counting);
        allocator.Records.Mode = TrackingMode.None;
        Assert.False(allocator.Tally.Counting);
    }
}

/// <summary>The C heap behind a schema that counts its blocks itself and records every size lookup asked of it.</summary>
internal readonly struct SelfCountingSchema : IAllocationSchema
{
    /// <summary>What the schema counted, and how often the allocator asked it for a block's size.</summary>
    public sealed class Tally
    {
        public long Bytes;
        public long Allocations;
        public long Frees;
        public long Peak;
        public int SizeLookups;
        public bool Counting;

        public void Add(nint bytes)
        {
            Bytes += bytes;
            Allocations++;
            Peak = Math.Max(Peak, Bytes);
        }

        public void Remove(nint bytes)
        {
            Bytes -= bytes;
            Frees++;
        }
    }

    private readonly Tally _tally;

    public SelfCountingSchema() => _tally = new Tally();

    public static bool IsThreadSafe => false;

    public static bool KeepsCounts => true;

    // The C heap holds no state of its own.
    private static OSSchema Os => default;

    public Tally Counted => _tally;

    public long NumAllocatedBytes => _tally.Bytes;

    public long ReservedBytes => 0;

    public long Capacity => long.MaxValue;

    public SchemaCounts Counts => new(_tally.Bytes, _tally.Allocations, _tally.Frees, _tally.Peak);

    public void ResetPeak() => _tally.Peak = _tally.Bytes;

    public void CountingChanged(bool counting) => _tally.Counting = counting;

    public nint Allocate(nint size, nint alignment)
    {
        nint block = Os.Allocate(size, alignment);
        if (block != 0)
            _tally.Add(Os.AllocationSize(block));
        return block;
    }

    public void DeAllocate(nint pointer, nint size, nint alignment)
    {
        _tally.Remove(Os.AllocationSize(pointer));
        Os.DeAllocate(pointer, size, alignment);
    }

    public nint ReAllocate(nint pointer, nint newSize, nint newAlignment)
    {
        nint oldSize = Os.AllocationSize(pointer);
        nint moved = Os.ReAllocate(pointer, newSize, newAlignment);
        if (moved != 0)
        {
            _tally.Remove(oldSize);
            _tally.Add(Os.AllocationSize(moved));
        }
        return moved;
    }

    public nint AllocationSize(nint pointer)
    {
        _tally.SizeLookups++;
        return Os.AllocationSize(pointer);
    }

    public void GarbageCollect()
    {
    }
}

/// <summary>An allocator over <see cref="SelfCountingSchema"/>.</summary>
internal sealed class SelfCountingTestAllocator : AllocatorBase<SelfCountingSchema>
{
    public SelfCountingTestAllocator(TrackingMode mode, [CallerMemberName] string test = "")
        : base(TestAllocators.UniqueName(test), "test allocator whose schema keeps its counts", new SelfCountingSchema())
        => Records.Mode = mode;

    public SelfCountingSchema.Tally Tally => Schema.Counted;
}
