using System.Runtime.CompilerServices;
using Memory.Objects;

namespace Memory.Generators.Tests.Behaviour;

/// <summary>Generated <c>Create</c>/<c>Destroy</c> of classes: the GC's memory, the allocator's tracking.</summary>
[Collection(GeneratedAllocators.Name)]
public sealed class TrackedClassTests
{
    private static GeneratorTestAllocator Allocator => GeneratorTestAllocator.Instance;

    [Fact]
    public void Create_adds_one_live_tracking_block_and_Destroy_removes_it_and_disposes()
    {
        long bytes = Allocator.NumAllocatedBytes;
        long live = Allocator.Records.LiveAllocations;

        Monster monster = Monster.Create("orc");

        Assert.Equal("orc", monster.Name);
        Assert.True(TrackedObjects.IsTracked(monster));
        Assert.Same(Allocator, TrackedObjects.AllocatorOf(monster));
        Assert.Equal(live + 1, Allocator.Records.LiveAllocations);
        // A class instance costs the allocator's usable size of a zero-byte block: nothing on the C heap.
        Assert.Equal(bytes, Allocator.NumAllocatedBytes);

        Monster.Destroy(monster);

        Assert.True(monster.IsDisposed);
        Assert.False(TrackedObjects.IsTracked(monster));
        Assert.Equal(live, Allocator.Records.LiveAllocations);
        Assert.Equal(bytes, Allocator.NumAllocatedBytes);
    }

    [Fact]
    public void The_tracking_record_names_the_type_and_the_calling_line()
    {
        var (monster, line) = (Monster.Create("troll"), CallSite.Line());
        try
        {
            var records = Allocator.Records.Snapshot().Where(r => r.File == CallSite.File() && r.Line == line).ToList();
            var record = Assert.Single(records);
            Assert.Equal("Memory.Generators.Tests.Behaviour.Monster", record.Name);
            Assert.Equal(0, record.RequestedSize);
        }
        finally
        {
            Monster.Destroy(monster);
        }
    }

    [Fact]
    public void An_instance_never_destroyed_stays_a_leak_at_its_line_after_the_collector_took_it()
    {
        int line = CreateAndDrop();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.Contains(Allocator.Records.Snapshot(), r => r.File == CallSite.File() && r.Line == line);
    }

    [Fact]
    public void Destroy_twice_or_of_an_instance_not_made_by_Create_throws()
    {
        Monster monster = Monster.Create("goblin");
        Monster.Destroy(monster);
        Assert.Throws<InvalidOperationException>(() => Monster.Destroy(monster));
#pragma warning disable MEM0001 // the point: an instance that did not come from Create
        Assert.Throws<InvalidOperationException>(() => Monster.Destroy(new Monster("raw")));
#pragma warning restore MEM0001
    }

    [Fact]
    public void Records_are_tracked_like_classes_in_their_own_allocator()
    {
        var allocator = NamedTestAllocator.Instance;
        long live = allocator.Records.LiveAllocations;
        Quest quest = Quest.Create("find the sword");
        Assert.Equal(live + 1, allocator.Records.LiveAllocations);
        Quest.Destroy(quest);
        Assert.Equal(live, allocator.Records.LiveAllocations);
    }

    [Fact]
    public void Equal_records_are_tracked_as_separate_instances()
    {
        Quest first = Quest.Create("same");
        Quest second = Quest.Create("same");
        Assert.Equal(first, second);
        Quest.Destroy(first);
        Assert.True(TrackedObjects.IsTracked(second));
        Assert.Throws<InvalidOperationException>(() => Quest.Destroy(first));
        Quest.Destroy(second);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int CreateAndDrop()
    {
        var (_, line) = (Monster.Create("forgotten"), CallSite.Line());
        return line;
    }
}
