using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Core;

public sealed class AllocatorManagerTests
{
    private sealed class NamedAllocator(string name) : AllocatorBase<OSSchema>(name, "Allocator of the manager tests", default)
    {
        public int Collections;

        public override void GarbageCollect()
        {
            Collections++;
            CollectionOrder.Enqueue(Name);
            base.GarbageCollect();
        }

        public static readonly System.Collections.Concurrent.ConcurrentQueue<string> CollectionOrder = new();
    }

    [Fact]
    public void Allocators_RegisterOnConstructionAndLeaveOnDispose()
    {
        var allocator = new NamedAllocator($"managed.{Guid.NewGuid():N}");
        Assert.Contains(allocator, AllocatorManager.Allocators);
        Assert.Same(allocator, AllocatorManager.Find(allocator.Name));

        allocator.Dispose();
        Assert.DoesNotContain(allocator, AllocatorManager.Allocators);
        Assert.Null(AllocatorManager.Find(allocator.Name));
    }

    [Fact]
    public void GarbageCollect_VisitsAllocatorsInReverseRegistrationOrder()
    {
        string tag = Guid.NewGuid().ToString("N");
        using var first = new NamedAllocator($"first.{tag}");
        using var second = new NamedAllocator($"second.{tag}");
        using var third = new NamedAllocator($"third.{tag}");

        AllocatorManager.GarbageCollect();

        var ours = NamedAllocator.CollectionOrder.Where(n => n.EndsWith(tag, StringComparison.Ordinal)).ToArray();
        Assert.Equal([third.Name, second.Name, first.Name], ours.Take(3));
    }

    [Fact]
    public void Report_ListsNameUsedPeakAndAllocations()
    {
        using var allocator = new NamedAllocator($"report.{Guid.NewGuid():N}");
        nint a = allocator.Allocate(1000);
        nint b = allocator.Allocate(2000);
        allocator.DeAllocate(a);

        string report = AllocatorManager.GetReport();
        string line = report.Split('\n').Single(l => l.Contains(allocator.Name, StringComparison.Ordinal));

        Assert.Contains("2,000", line);
        Assert.Contains("3,000", line);
        Assert.Matches(@"\s1\s+Counters\s*$", line);
        allocator.DeAllocate(b);
    }

    [Fact]
    public void SetTrackingMode_AppliesNowAndToAllocatorsCreatedLater()
    {
        string name = $"mode.{Guid.NewGuid():N}";
        using var existing = new NamedAllocator(name);
        AllocatorManager.SetTrackingMode(name, TrackingMode.Records);
        Assert.Equal(TrackingMode.Records, existing.Records.Mode);

        using var later = new NamedAllocator(name);
        Assert.Equal(TrackingMode.Records, later.Records.Mode);
    }
}
