using System.Runtime.CompilerServices;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Tracking;

/// <summary>
/// Counters of a thread-safe schema counted by their first thread alone (plain stores), and the hand-over to
/// striped counting when another thread comes, whether it allocates or only frees.
/// </summary>
public sealed class OwnedCountersTests
{
    [Fact]
    public void AThreadThatOnlyFreesTurnsTheCountersStripedAndTheTotalsStayExact()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Counters);
        var blocks = Enumerable.Range(0, 1000).Select(i => allocator.Allocate(8 + i % 5 * 8)).ToArray();
        Assert.False(allocator.Records.Counters.IsStriped);

        // The owner keeps allocating and freeing while another thread frees the first thousand blocks.
        var freer = new Thread(() =>
        {
            foreach (var block in blocks)
                allocator.DeAllocate(block);
        });
        freer.Start();
        for (int i = 0; i < 20_000; i++)
            allocator.DeAllocate(allocator.Allocate(24));
        freer.Join();

        Assert.True(allocator.Records.Counters.IsStriped);
        Assert.Equal(0, allocator.Records.AllocatedBytes);
        Assert.Equal(0, allocator.Records.LiveAllocations);
        Assert.Equal(21_000, allocator.Records.TotalAllocations);
    }

    [Fact]
    public void TheOwnersCountsBeforeStripingAddToTheCellsAfter()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Counters);
        nint ownersBlock = allocator.Allocate(100);
        nint othersBlock = 0;
        var other = new Thread(() => othersBlock = allocator.Allocate(50));
        other.Start();
        other.Join();
        nint laterBlock = allocator.Allocate(30);

        Assert.Equal(180, allocator.Records.AllocatedBytes);
        Assert.Equal(3, allocator.Records.LiveAllocations);
        Assert.True(allocator.Records.PeakBytes >= 180);
        allocator.DeAllocate(othersBlock);
        allocator.DeAllocate(ownersBlock);
        allocator.DeAllocate(laterBlock);
        Assert.Equal(0, allocator.Records.AllocatedBytes);
        Assert.Equal(0, allocator.Records.LiveAllocations);
        Assert.Equal(3, allocator.Records.TotalAllocations);
    }

    [Fact]
    public void TheOwnerIsRecognisedOnEveryPageOfItsStackAndKeepsAnExactPeak()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Counters);
        nint shallow = allocator.Allocate(64);

        // Frames far below this one lie on other pages of this thread's stack: the owner must still count with
        // plain stores (the counters stay owned, the peak exact), whatever page each call comes from.
        var deepBlocks = new List<nint>();
        AllocateAtDepth(allocator, deepBlocks, depth: 6);
        Assert.False(allocator.Records.Counters.IsStriped);
        Assert.Equal(64 + (6 * 32), allocator.Records.AllocatedBytes);
        Assert.Equal(64 + (6 * 32), allocator.Records.PeakBytes);

        foreach (nint block in deepBlocks)
            allocator.DeAllocate(block);
        allocator.DeAllocate(shallow);
        Assert.False(allocator.Records.Counters.IsStriped);
        Assert.Equal(0, allocator.Records.AllocatedBytes);
        Assert.Equal(0, allocator.Records.LiveAllocations);
        Assert.Equal(7, allocator.Records.TotalAllocations);
        Assert.Equal(64 + (6 * 32), allocator.Records.PeakBytes);
    }

    // Each level's frame holds 5 KiB, more than a page, so every level allocates from another page.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AllocateAtDepth(ThreadSafeTestAllocator allocator, List<nint> blocks, int depth)
    {
        Span<byte> filler = stackalloc byte[5 * 1024];
        filler[^1] = (byte)depth;
        blocks.Add(allocator.Allocate(32));
        if (depth > 1)
            AllocateAtDepth(allocator, blocks, depth - 1);
        Assert.Equal((byte)depth, filler[^1]);
    }
}
