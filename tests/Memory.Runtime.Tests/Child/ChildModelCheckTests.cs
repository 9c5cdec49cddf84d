using Memory.Runtime.Tests.Heap;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Child;

public sealed class ChildModelCheckTests
{
    [Fact]
    public void A_million_random_operations_through_a_child_match_the_model_in_child_and_parent()
    {
        var parent = AllocatorInstance<ModelCheckHeapAllocator>.Get();
        var child = AllocatorInstance<ModelCheckChildAllocator>.Get();
        child.Records.Mode = TrackingMode.None; // The child's own count, not its tracking, is under test.

        new RandomAllocatorRun
        {
            Operations = 1_000_000,
            Seed = 21,
            NextSize = static random => random.Next(100) < 90 ? random.Next(0, 513) : random.Next(513, 20_000),
            Alignments = [0, 0, 0, 16, 64, 4096],
            MaxLive = 1000,
            AllocatedBytes = allocator =>
            {
                // The parent serves no one else: its total is exactly the child's.
                long childBytes = allocator.NumAllocatedBytes;
                if (parent.NumAllocatedBytes != childBytes)
                    Assert.Fail($"parent counts {parent.NumAllocatedBytes} B, child {childBytes} B");
                return childBytes;
            },
        }.Run(child);

        Assert.Equal(0, parent.NumAllocatedBytes);
        Assert.Equal(0, parent.Records.LiveAllocations);
    }
}
