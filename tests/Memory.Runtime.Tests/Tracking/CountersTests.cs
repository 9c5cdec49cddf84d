using Memory.Tracking;
using Memory.Tracking.Counters;

namespace Memory.Runtime.Tests.Tracking;

public sealed class CountersTests
{
    [Fact]
    public void NoneCountsNothing()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.None);
        nint block = allocator.Allocate(100);

        Assert.Equal(0, allocator.Records.AllocatedBytes);
        Assert.Equal(0, allocator.Records.LiveAllocations);
        Assert.Equal(0, allocator.Records.TotalAllocations);
        Assert.Equal(0, allocator.Records.RecordCount);
        allocator.DeAllocate(block);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void CountersFollowLiveBlocksExactly(bool threadSafeSchema)
    {
        using AllocatorBase allocator = threadSafeSchema
            ? new ThreadSafeTestAllocator(TrackingMode.Counters)
            : new SingleThreadedTestAllocator(TrackingMode.Counters);

        nint a = allocator.Allocate(100);
        nint b = allocator.Allocate(28, 64);
        Assert.Equal(128, allocator.Records.AllocatedBytes);
        Assert.Equal(128, allocator.NumAllocatedBytes);
        Assert.Equal(2, allocator.Records.LiveAllocations);
        Assert.Equal(2, allocator.Records.TotalAllocations);
        Assert.Equal(0, allocator.Records.RecordCount);

        allocator.DeAllocate(a);
        Assert.Equal(28, allocator.Records.AllocatedBytes);
        Assert.Equal(1, allocator.Records.LiveAllocations);
        Assert.Equal(2, allocator.Records.TotalAllocations);

        nint c = allocator.ReAllocate(b, 1000);
        Assert.Equal(1000, allocator.Records.AllocatedBytes);
        Assert.Equal(1, allocator.Records.LiveAllocations);

        allocator.DeAllocate(c);
        Assert.Equal(0, allocator.Records.AllocatedBytes);
        Assert.Equal(0, allocator.Records.LiveAllocations);
    }

    [Fact]
    public void PeakIsExactForSchemasThatAreNotThreadSafe()
    {
        using var allocator = new SingleThreadedTestAllocator(TrackingMode.Counters);
        var blocks = new List<nint>();
        for (int i = 1; i <= 10; i++)
            blocks.Add(allocator.Allocate(i * 10));  // 550 bytes live at the top
        allocator.DeAllocate(blocks[9]);
        blocks.RemoveAt(9);
        blocks.Add(allocator.Allocate(40));           // 490: below the peak

        Assert.Equal(550, allocator.Records.PeakBytes);
        Assert.Equal(490, allocator.Records.AllocatedBytes);

        allocator.Records.ResetPeak();
        Assert.Equal(490, allocator.Records.PeakBytes);
        foreach (var block in blocks)
            allocator.DeAllocate(block);
        Assert.Equal(490, allocator.Records.PeakBytes);
    }

    [Fact]
    public void AThreadSafeAllocatorUsedByOneThreadCountsSharedWithAnExactPeak()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Counters);
        var blocks = Enumerable.Range(0, 300).Select(_ => allocator.Allocate(1000)).ToArray();
        foreach (var block in blocks)
            allocator.DeAllocate(block);

        Assert.False(allocator.Records.Counters.IsStriped);
        Assert.Equal(300_000, allocator.Records.PeakBytes);
        Assert.Equal(0, allocator.Records.AllocatedBytes);
        Assert.Equal(300, allocator.Records.TotalAllocations);
    }

    [Fact]
    public void ASecondThreadTurnsTheCountersStriped()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Counters);
        for (int i = 0; i < 100; i++)
            allocator.DeAllocate(allocator.Allocate(16));
        Assert.False(allocator.Records.Counters.IsStriped);

        nint kept = 0;
        var other = new Thread(() =>
        {
            for (int i = 0; i < 100; i++)
                allocator.DeAllocate(allocator.Allocate(16));
            kept = allocator.Allocate(24);
        });
        other.Start();
        other.Join();

        Assert.True(allocator.Records.Counters.IsStriped);
        Assert.Equal(24, allocator.Records.AllocatedBytes);
        Assert.Equal(1, allocator.Records.LiveAllocations);
        Assert.Equal(201, allocator.Records.TotalAllocations);
        allocator.DeAllocate(kept);
        Assert.Equal(0, allocator.Records.AllocatedBytes);
        Assert.Equal(0, allocator.Records.LiveAllocations);
    }

    [Fact]
    public void AStripedPeakOfOneThreadIsWithinOnePublicationOfTheTruePeak()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Counters);
        allocator.Records.Counters.MakeStriped();
        const int blockSize = 1000;
        const int count = 300;  // 300,000 bytes at the top, never read while live
        var blocks = new nint[count];
        for (int i = 0; i < count; i++)
            blocks[i] = allocator.Allocate(blockSize);
        foreach (var block in blocks)
            allocator.DeAllocate(block);

        long peak = allocator.Records.PeakBytes;
        Assert.InRange(peak, count * blockSize - AllocationCounters.PublishThreshold, count * blockSize);
        Assert.Equal(0, allocator.Records.AllocatedBytes);
    }

    [Fact]
    public void AStripedPeakIsNeverBelowATotalThatWasRead()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Counters);
        allocator.Records.Counters.MakeStriped();
        nint small = allocator.Allocate(1234);           // far below the publication threshold
        Assert.Equal(1234, allocator.Records.AllocatedBytes);
        allocator.DeAllocate(small);

        Assert.Equal(1234, allocator.Records.PeakBytes);
    }

    [Fact]
    public void StripedCountersStayExactWhenThreadsFreeEachOthersBlocks()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Counters);
        const int threads = 4;
        const int perThread = 20_000;
        var handoff = new System.Collections.Concurrent.BlockingCollection<nint>[threads];
        for (int i = 0; i < threads; i++)
            handoff[i] = new System.Collections.Concurrent.BlockingCollection<nint>(boundedCapacity: 1024);

        // Thread i allocates, thread i+1 frees: every block is counted in one cell and uncounted in another.
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            var next = handoff[(i + 1) % threads];
            var mine = handoff[i];
            for (int n = 0; n < perThread; n++)
            {
                next.Add(allocator.Allocate(16 + (n % 7) * 8));
                if (mine.TryTake(out nint block))
                    allocator.DeAllocate(block);
            }
            next.CompleteAdding();
            foreach (var block in mine.GetConsumingEnumerable())
                allocator.DeAllocate(block);
        })).ToArray();
        foreach (var worker in workers)
            worker.Start();
        foreach (var worker in workers)
            worker.Join();

        Assert.Equal(0, allocator.Records.AllocatedBytes);
        Assert.Equal(0, allocator.Records.LiveAllocations);
        Assert.Equal(threads * perThread, allocator.Records.TotalAllocations);
    }

    [Fact]
    public void StripedCountersSeeEveryThreadAtABarrierAndThePeakKeepsWhatWasSeen()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Counters);
        const int threads = 3;
        const int blocksPerThread = 50;
        const int blockSize = 100;
        using var allAllocated = new Barrier(threads + 1);
        using var checkedByTest = new Barrier(threads + 1);
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            var blocks = Enumerable.Range(0, blocksPerThread).Select(_ => allocator.Allocate(blockSize)).ToArray();
            allAllocated.SignalAndWait();
            checkedByTest.SignalAndWait();
            foreach (var block in blocks)
                allocator.DeAllocate(block);
        })).ToArray();
        foreach (var worker in workers)
            worker.Start();

        allAllocated.SignalAndWait();
        Assert.Equal(threads * blocksPerThread * blockSize, allocator.Records.AllocatedBytes);
        Assert.Equal(threads * blocksPerThread, allocator.Records.LiveAllocations);
        checkedByTest.SignalAndWait();
        foreach (var worker in workers)
            worker.Join();

        Assert.Equal(0, allocator.Records.AllocatedBytes);
        Assert.Equal(threads * blocksPerThread * blockSize, allocator.Records.PeakBytes);
    }

    [Fact]
    public void AThreadThatExitedHandsItsCellOnAndItsCountsStay()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Counters);
        allocator.Records.Counters.MakeStriped();
        var leftLive = new List<nint>();
        for (int i = 0; i < 10; i++)
        {
            // Each thread leaves one block live and exits before the next starts.
            var thread = new Thread(() =>
            {
                nint kept = allocator.Allocate(64);
                allocator.DeAllocate(allocator.Allocate(32));
                lock (leftLive)
                    leftLive.Add(kept);
            });
            thread.Start();
            thread.Join();
        }

        Assert.Equal(1, allocator.Records.Counters.CellCount);
        Assert.Equal(10 * 64, allocator.Records.AllocatedBytes);
        Assert.Equal(10, allocator.Records.LiveAllocations);
        Assert.Equal(20, allocator.Records.TotalAllocations);

        // This thread takes the last exited thread's cell over and subtracts what the others added.
        foreach (var block in leftLive)
            allocator.DeAllocate(block);
        Assert.Equal(0, allocator.Records.AllocatedBytes);
        Assert.Equal(0, allocator.Records.LiveAllocations);
        Assert.Equal(20, allocator.Records.TotalAllocations);
        Assert.Equal(1, allocator.Records.Counters.CellCount);
    }

    [Fact]
    public void ASlotReusedByAnotherAllocatorNeverMixesTheirCounts()
    {
        var first = new ThreadSafeTestAllocator(TrackingMode.Counters);
        first.Records.Counters.MakeStriped();
        nint survivor = first.Allocate(48);
        first.Dispose();                      // gives its slot back
        using var second = new ThreadSafeTestAllocator(TrackingMode.Counters);
        second.Records.Counters.MakeStriped();
        nint block = second.Allocate(16);

        first.DeAllocate(survivor);           // a free after dispose still counts, into the first allocator
        Assert.Equal(0, first.Records.AllocatedBytes);
        Assert.Equal(16, second.Records.AllocatedBytes);
        second.DeAllocate(block);
        Assert.Equal(0, second.Records.AllocatedBytes);
    }
}
