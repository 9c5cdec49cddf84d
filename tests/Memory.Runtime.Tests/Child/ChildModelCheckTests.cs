using Memory.Runtime.Tests.Heap;
using Memory.Runtime.Tests.Testing;
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

        nint[] alignments = [0, 0, 0, 16, 64, 4096];
        ModelCheck.Run(child, seed: 21, operations: 1_000_000, new ModelCheckOptions
        {
            NextSize = static random => random.Next(100) < 90 ? random.Next(0, 513) : random.Next(513, 20_000),
            NextAlignment = random => alignments[random.Next(alignments.Length)],
            MaxLiveBlocks = 1000,
            AtCountCheck = allocator =>
            {
                // The parent serves no one else: its total is exactly the child's.
                if (parent.NumAllocatedBytes != allocator.NumAllocatedBytes)
                    Assert.Fail($"parent counts {parent.NumAllocatedBytes} B, child {allocator.NumAllocatedBytes} B");
            },
        });

        Assert.Equal(0, parent.NumAllocatedBytes);
        Assert.Equal(0, parent.Records.LiveAllocations);
    }
}
