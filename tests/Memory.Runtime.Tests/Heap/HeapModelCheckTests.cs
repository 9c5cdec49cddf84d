using Memory.Runtime.Tests.Testing;
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

        ModelCheck.Run(heap, seed: 11, operations: 1_000_000, new ModelCheckOptions
        {
            NextSize = NextSize,
            NextAlignment = static random => Alignments[random.Next(Alignments.Length)],
            MaxLiveBlocks = 2000,
        });

        Assert.Equal(0, heap.NumAllocatedBytes);
        heap.GarbageCollect();
        Assert.Equal(0, heap.ReservedBytes);
    }

    private static readonly nint[] Alignments = [0, 0, 0, 0, 8, 16, 32, 64, 256, 4096];

    // Mostly small blocks, some medium, a few large enough to get regions of their own.
    private static nint NextSize(Random random) => random.Next(100) switch
    {
        < 70 => random.Next(0, 257),
        < 95 => random.Next(257, 8193),
        < 99 => random.Next(8193, 65_537),
        _ => random.Next(65_537, 300_000),
    };
}
