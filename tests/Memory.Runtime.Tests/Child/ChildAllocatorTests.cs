using System.Runtime.CompilerServices;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Child;

public sealed class ChildAllocatorTests
{
    private static ChildTestParentAllocator Parent => AllocatorInstance<ChildTestParentAllocator>.Get();
    private static SubsystemAllocator Child => AllocatorInstance<SubsystemAllocator>.Get();

    [Fact]
    public void The_child_names_its_parent_and_is_named_after_its_class()
    {
        Assert.Same(Parent, Child.Parent);
        Assert.Same(Parent, ((AllocatorBase)Child).Parent);
        Assert.Equal("SubsystemAllocator", Child.Name);
        Assert.Contains(nameof(ChildTestParentAllocator), Child.Description);
        Assert.Equal(Parent.Capacity, Child.Capacity);
    }

    [Fact]
    public void Counts_of_child_and_parent_move_together()
    {
        long parentBefore = Parent.NumAllocatedBytes;
        long childBefore = Child.NumAllocatedBytes;
        long parentLiveBefore = Parent.Records.LiveAllocations;

        var blocks = Enumerable.Range(1, 50).Select(i => Child.Allocate(i * 10)).ToList();
        long childGrowth = Child.NumAllocatedBytes - childBefore;
        Assert.Equal(blocks.Sum(block => (long)Child.AllocationSize(block)), childGrowth);
        Assert.Equal(childGrowth, Parent.NumAllocatedBytes - parentBefore);
        Assert.Equal(50, Parent.Records.LiveAllocations - parentLiveBefore);

        blocks[0] = Child.ReAllocate(blocks[0], 5000);
        Assert.Equal(Child.NumAllocatedBytes - childBefore, Parent.NumAllocatedBytes - parentBefore);

        foreach (nint block in blocks)
            Child.DeAllocate(block);
        Assert.Equal(childBefore, Child.NumAllocatedBytes);
        Assert.Equal(parentBefore, Parent.NumAllocatedBytes);
        Assert.Equal(parentLiveBefore, Parent.Records.LiveAllocations);
    }

    [Fact]
    public void With_tracking_off_the_child_still_counts_exactly()
    {
        var child = Child;
        TrackingMode mode = child.Records.Mode;
        child.Records.Mode = TrackingMode.None;
        try
        {
            long before = child.NumAllocatedBytes;
            nint block = child.Allocate(300);
            Assert.Equal(before + child.AllocationSize(block), child.NumAllocatedBytes);
            block = child.ReAllocate(block, 3000);
            Assert.Equal(before + child.AllocationSize(block), child.NumAllocatedBytes);
            child.DeAllocate(block);
            Assert.Equal(before, child.NumAllocatedBytes);
        }
        finally
        {
            child.Records.Mode = mode;
        }
    }

    [Fact]
    public unsafe void Records_in_child_and_parent_name_the_real_call_site()
    {
        Parent.Records.Mode = TrackingMode.Records;
        Child.Records.Mode = TrackingMode.Records;

        (nint block, int line) = (Child.Allocate(64, 16, "mesh"), Line());

        Assert.True(Child.Records.TryGet(block, out var childRecord));
        Assert.True(Parent.Records.TryGet(block, out var parentRecord));
        foreach (var record in new[] { childRecord, parentRecord })
        {
            Assert.Equal("mesh", record.Name);
            Assert.EndsWith("ChildAllocatorTests.cs", record.File);
            Assert.Equal(line, record.Line);
            Assert.Equal(64, record.RequestedSize);
        }

        // A reallocation moves the records with the call site.
        *(long*)block = 0x1234_5678_9ABC;
        nint moved = Child.ReAllocate(block, 100_000);
        Assert.Equal(0x1234_5678_9ABC, *(long*)moved);
        Assert.True(Parent.Records.TryGet(moved, out var movedRecord));
        Assert.Equal(line, movedRecord.Line);

        Child.DeAllocate(moved);
        Assert.False(Child.Records.Contains(moved));
        Assert.False(Parent.Records.Contains(moved));
    }

    [Fact]
    public void A_child_of_a_child_counts_at_every_level_and_reports_as_a_tree()
    {
        var nested = AllocatorInstance<NestedSubsystemAllocator>.Get();
        Assert.Same(Child, nested.Parent);
        Assert.Equal("Nested subsystem", nested.Name);

        long parentBefore = Parent.NumAllocatedBytes;
        long childBefore = Child.NumAllocatedBytes;
        nint block = nested.Allocate(1000);
        long size = nested.AllocationSize(block);

        Assert.Equal(size, nested.NumAllocatedBytes);
        Assert.Equal(childBefore + size, Child.NumAllocatedBytes);
        Assert.Equal(parentBefore + size, Parent.NumAllocatedBytes);

        string[] lines = AllocatorManager.GetReport().Split('\n');
        int parentLine = Array.FindIndex(lines, l => l.StartsWith(nameof(ChildTestParentAllocator) + " ", StringComparison.Ordinal));
        int childLine = Array.FindIndex(lines, l => l.StartsWith("  SubsystemAllocator ", StringComparison.Ordinal));
        int nestedLine = Array.FindIndex(lines, l => l.StartsWith("    Nested subsystem ", StringComparison.Ordinal));
        Assert.True(parentLine >= 0 && childLine > parentLine && nestedLine > childLine, AllocatorManager.GetReport());

        nested.DeAllocate(block);
        Assert.Equal(0, nested.NumAllocatedBytes);
        Assert.Equal(childBefore, Child.NumAllocatedBytes);
        Assert.Equal(parentBefore, Parent.NumAllocatedBytes);
    }

    [Fact]
    public void A_child_of_the_OS_allocator_draws_through_it()
    {
        var child = AllocatorInstance<OSChildAllocator>.Get();
        Assert.Same(OSAllocator.Instance, child.Parent);
        long parentTotal = OSAllocator.Instance.Records.TotalAllocations;

        nint block = child.Allocate(256, 64);
        Assert.NotEqual(0, block);
        Assert.Equal(0, block % 64);
        Assert.Equal(256, child.AllocationSize(block));
        Assert.Equal(256, child.NumAllocatedBytes);
        Assert.True(OSAllocator.Instance.Records.TotalAllocations > parentTotal);

        child.DeAllocate(block);
        Assert.Equal(0, child.NumAllocatedBytes);
    }

    [Fact]
    public void A_request_the_parent_cannot_meet_returns_zero_and_counts_nothing()
    {
        long before = Child.NumAllocatedBytes;
        // The request is refused (the test asserts 0), so there is no block to free; MEM0030 cannot know the result.
#pragma warning disable MEM0030
        Assert.Equal(0, Child.Allocate(nint.MaxValue / 2));
#pragma warning restore MEM0030
        Assert.Equal(before, Child.NumAllocatedBytes);
    }

    private static int Line([CallerLineNumber] int line = 0) => line;
}
