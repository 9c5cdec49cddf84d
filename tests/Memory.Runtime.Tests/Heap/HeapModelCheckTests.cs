using Memory.Tracking;

namespace Memory.Runtime.Tests.Heap;

public sealed class HeapModelCheckTests
{
    [Fact]
    public void A_million_random_operations_match_the_model()
    {
        // Tracking off: the heap's own count (summed over thread caches) is what the model checks.
        using var heap = new HeapAllocator();
        heap.Records.Mode = TrackingMode.None;

        new RandomAllocatorRun
        {
            Operations = 1_000_000,
            Seed = 11,
            NextSize = NextSize,
            Alignments = [0, 0, 0, 0, 8, 16, 32, 64, 256, 4096],
            MaxLive = 2000,
        }.Run(heap);

        Assert.Equal(0, heap.NumAllocatedBytes);
        heap.GarbageCollect();
        Assert.Equal(0, heap.ReservedBytes);
    }

    // Mostly small blocks, some medium, a few large enough to get regions of their own.
    private static nint NextSize(Random random) => random.Next(100) switch
    {
        < 70 => random.Next(0, 257),
        < 95 => random.Next(257, 8193),
        < 99 => random.Next(8193, 65_537),
        _ => random.Next(65_537, 300_000),
    };
}
