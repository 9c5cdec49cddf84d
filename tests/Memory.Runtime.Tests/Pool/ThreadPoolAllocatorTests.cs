using System.Collections.Concurrent;
using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Pool;

/// <summary>The thread-safe pool: many threads, cross-thread frees, exact counts and the memory of exited threads.</summary>
[Collection(PoolTestCollection.Name)]
public unsafe class ThreadPoolAllocatorTests
{
    [Theory]
    [InlineData(TrackingMode.None)]
    [InlineData(TrackingMode.Counters)]
    public void TenThreadsOfRandomAllocationsCountExactly(TrackingMode mode)
    {
        const int threads = 10;
        const int allocationsPerThread = 10_000;
        using var allocator = (ThreadPoolAllocator)PoolAllocators.Create(PoolKind.ThreadPool, mode: mode);
        var totals = new long[threads];
        using var allAllocated = new Barrier(threads + 1);
        using var mayFree = new Barrier(threads + 1);
        var failures = new ConcurrentQueue<Exception>();

        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var blocks = new List<LiveBlock>(allocationsPerThread);
            try
            {
                var random = new Random(t);
                for (int i = 0; i < allocationsPerThread; i++)
                {
                    nint size = random.Next(1, 257);
                    nint block = allocator.Allocate(size);
                    Assert.NotEqual(0, block);
                    var live = new LiveBlock(block, size, allocator.AllocationSize(block), t * allocationsPerThread + i + 1);
                    LiveBlocks.Fill(live);
                    blocks.Add(live);
                    totals[t] += live.Usable;
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
            allAllocated.SignalAndWait();
            mayFree.SignalAndWait();
            try
            {
                foreach (var live in blocks)
                {
                    LiveBlocks.Verify(live, live.Usable);
                    allocator.DeAllocate(live.Address, live.Requested);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToArray();

        foreach (var worker in workers)
            worker.Start();
        allAllocated.SignalAndWait();
        Assert.Empty(failures);
        Assert.Equal(totals.Sum(), allocator.NumAllocatedBytes);
        // The schema keeps the counts in every mode; nothing has been freed yet, so the peak is the total, up to
        // what each pool may not have published yet.
        Assert.Equal(threads * allocationsPerThread, allocator.Records.LiveAllocations);
        Assert.InRange(allocator.Records.PeakBytes, totals.Sum(), totals.Sum() + (threads * PeakSlackPerPool));
        mayFree.SignalAndWait();
        foreach (var worker in workers)
            worker.Join();

        Assert.Empty(failures);
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.Records.AllocatedBytes);
        Assert.Equal(0, allocator.Records.LiveAllocations);
        Assert.Equal(threads * allocationsPerThread, allocator.Records.TotalAllocations);
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.ReservedBytes);
        Assert.Equal(0, allocator.OrphanedPoolCount);
    }

    [Theory]
    [InlineData(TrackingMode.None)]
    [InlineData(TrackingMode.Counters)]
    public void ProducersAndConsumersFreeAcrossThreadsWithExactCounts(TrackingMode mode)
    {
        const int pairs = 5;
        const int blocksPerProducer = 20_000;
        using var allocator = (ThreadPoolAllocator)PoolAllocators.Create(PoolKind.ThreadPool, mode: mode);
        using var queue = new BlockingCollection<LiveBlock>(boundedCapacity: 1024);
        var failures = new ConcurrentQueue<Exception>();

        var producers = Enumerable.Range(0, pairs).Select(p => new Thread(() =>
        {
            try
            {
                var random = new Random(p);
                for (int i = 0; i < blocksPerProducer; i++)
                {
                    nint size = random.Next(1, 257);
                    nint block = allocator.Allocate(size);
                    var live = new LiveBlock(block, size, allocator.AllocationSize(block), (long)p * blocksPerProducer + i + 1);
                    LiveBlocks.Fill(live);
                    queue.Add(live);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToArray();

        long consumed = 0;
        var consumers = Enumerable.Range(0, pairs).Select(c => new Thread(() =>
        {
            try
            {
                var random = new Random(100 + c);
                foreach (var live in queue.GetConsumingEnumerable())
                {
                    LiveBlocks.Verify(live, live.Usable);
                    // Consumers also allocate a little of their own, so frees meet pools that are busy.
                    nint own = allocator.Allocate(random.Next(1, 257));
                    allocator.DeAllocate(live.Address);
                    allocator.DeAllocate(own);
                    Interlocked.Increment(ref consumed);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToArray();

        foreach (var thread in producers.Concat(consumers))
            thread.Start();
        foreach (var producer in producers)
            producer.Join();
        queue.CompleteAdding();
        foreach (var consumer in consumers)
            consumer.Join();

        Assert.Empty(failures);
        Assert.Equal(pairs * blocksPerProducer, consumed);
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.Records.LiveAllocations);
        Assert.Equal(2 * pairs * blocksPerProducer, allocator.Records.TotalAllocations);
        Assert.True(allocator.ReservedBytes > 0);
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.ReservedBytes);
        Assert.Equal(0, allocator.OrphanedPoolCount);
    }

    [Fact]
    public void BlocksOfExitedThreadsStayValidAndAreReclaimedOnceFreed()
    {
        const int threads = 4;
        const int blocksPerThread = 500;
        using var allocator = (ThreadPoolAllocator)PoolAllocators.Create(PoolKind.ThreadPool);
        var blocks = new ConcurrentBag<LiveBlock>();
        // All threads live at once, or a later one would take over the pool of one that had already exited.
        using var allAttached = new Barrier(threads);
        RunThreads(threads, t =>
        {
            for (int i = 0; i < blocksPerThread; i++)
            {
                nint size = 1 + (i * 37 + t) % 300;
                nint block = allocator.Allocate(size);
                var live = new LiveBlock(block, size, allocator.AllocationSize(block), t * blocksPerThread + i + 1);
                LiveBlocks.Fill(live);
                blocks.Add(live);
            }
            allAttached.SignalAndWait();
        });

        long live = blocks.Sum(b => (long)b.Usable);
        Assert.Equal(live, allocator.NumAllocatedBytes);
        allocator.GarbageCollect();
        Assert.Equal(threads, allocator.OrphanedPoolCount);
        Assert.True(allocator.ReservedBytes > 0);
        Assert.Equal(live, allocator.NumAllocatedBytes);

        // A new thread takes over one orphan rather than making a pool, and may free into it directly.
        long reserved = allocator.ReservedBytes;
        RunThreads(1, _ => allocator.DeAllocate(allocator.Allocate(16)));
        Assert.Equal(threads - 1, allocator.OrphanedPoolCount);
        Assert.Equal(reserved, allocator.ReservedBytes);

        // Freed from this thread, which has no pool: every free is a cross-thread free into an orphan.
        foreach (var block in blocks)
        {
            LiveBlocks.Verify(block, block.Usable);
            allocator.DeAllocate(block.Address);
        }
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.True(allocator.ReservedBytes > 0, "orphans give their pages back only on garbage collection");

        allocator.GarbageCollect();
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.ReservedBytes);
        Assert.Equal(0, allocator.OrphanedPoolCount);
        // The released pools leave their counts behind.
        Assert.Equal((threads * blocksPerThread) + 1, allocator.Records.TotalAllocations);
        Assert.Equal(0, allocator.Records.LiveAllocations);
    }

    [Fact]
    public void ThePeakCountsBlocksFreedByAnotherThreadAsGoneAtOnce()
    {
        const int blocks = 2048;
        const int size = 512;
        using var allocator = (ThreadPoolAllocator)PoolAllocators.Create(PoolKind.ThreadPool, mode: TrackingMode.Counters);
        var first = new List<nint>();
        nint[] second = [];
        using var handedOver = new ManualResetEventSlim();
        using var freed = new ManualResetEventSlim();

        // The owner allocates 1 MiB, another thread frees all of it, the owner allocates 1 MiB again: live bytes never
        // exceed 1 MiB, though the owner's own pool has allocated 2 MiB and freed none of it itself.
        var owner = new Thread(() =>
        {
            for (int i = 0; i < blocks; i++)
                first.Add(allocator.Allocate(size));
            handedOver.Set();
            freed.Wait();
            second = Enumerable.Range(0, blocks).Select(_ => allocator.Allocate(size)).ToArray();
        });
        var freer = new Thread(() =>
        {
            handedOver.Wait();
            foreach (nint block in first)
                allocator.DeAllocate(block);
            freed.Set();
        });
        owner.Start();
        freer.Start();
        owner.Join();
        freer.Join();

        Assert.Equal(blocks * size, allocator.Records.AllocatedBytes);
        Assert.InRange(allocator.Records.PeakBytes, blocks * size, (blocks * size) + (2 * PeakSlackPerPool));
        Assert.Equal(blocks, allocator.Records.LiveAllocations);
        Assert.Equal(2 * blocks, allocator.Records.TotalAllocations);
        foreach (nint block in second)
            allocator.DeAllocate(block);
        Assert.Equal(0, allocator.Records.LiveAllocations);
        allocator.Records.ResetPeak();
        Assert.Equal(0, allocator.Records.PeakBytes);
        allocator.GarbageCollect();
    }

    // How far above the true peak the reported one may be, per pool: the bytes of frees it has not published yet.
    private const long PeakSlackPerPool = Memory.Schemas.Pool.ThreadPoolSet.PublishEvery * 512L;

    [Fact]
    public void AnExitedThreadIsNoticedByItsFinalizerWithoutAGarbageCollectOfTheSchema()
    {
        using var allocator = (ThreadPoolAllocator)PoolAllocators.Create(PoolKind.ThreadPool);
        nint block = 0;
        RunThreads(1, _ => block = allocator.Allocate(100));
        Assert.Equal(0, allocator.OrphanedPoolCount);

        // The finalizer runs at some collection after the runtime has released the thread's statics.
        for (int attempt = 0; attempt < 200 && allocator.OrphanedPoolCount == 0; attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            if (allocator.OrphanedPoolCount == 0)
                Thread.Sleep(10);
        }
        Assert.Equal(1, allocator.OrphanedPoolCount);

        allocator.DeAllocate(block);
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.OrphanedPoolCount);
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Fact]
    public void FreesFromAnotherThreadAreExactAtOnceAndReusedByTheOwner()
    {
        using var allocator = (ThreadPoolAllocator)PoolAllocators.Create(PoolKind.ThreadPool);
        var blocks = new nint[3000];
        using var allocated = new ManualResetEventSlim();
        using var freed = new ManualResetEventSlim();
        long reservedBefore = 0;
        long reservedAfter = 0;
        Exception? failure = null;

        var owner = new Thread(() =>
        {
            try
            {
                for (int i = 0; i < blocks.Length; i++)
                    blocks[i] = allocator.Allocate(64);
                reservedBefore = allocator.ReservedBytes;
                allocated.Set();
                freed.Wait();
                // Every block is on the owner's cross-thread stack; allocating drains and reuses them.
                for (int round = 0; round < 2; round++)
                {
                    for (int i = 0; i < blocks.Length; i++)
                        blocks[i] = allocator.Allocate(64);
                    foreach (nint block in blocks)
                        allocator.DeAllocate(block);
                }
                reservedAfter = allocator.ReservedBytes;
            }
            catch (Exception e)
            {
                failure = e;
                allocated.Set();
            }
        });
        owner.Start();
        allocated.Wait();
        RunThreads(1, _ =>
        {
            foreach (nint block in blocks)
                allocator.DeAllocate(block);
        });
        Assert.Equal(0, allocator.NumAllocatedBytes);
        freed.Set();
        owner.Join();

        Assert.Null(failure);
        Assert.Equal(reservedBefore, reservedAfter);
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }

    [Fact]
    public void GarbageCollectAsksLiveThreadsToTrimTheirOwnPools()
    {
        using var allocator = (ThreadPoolAllocator)PoolAllocators.Create(PoolKind.ThreadPool);
        using var emptied = new ManualResetEventSlim();
        using var collected = new ManualResetEventSlim();
        long reservedAfterTrim = 0;
        Exception? failure = null;

        var worker = new Thread(() =>
        {
            try
            {
                var blocks = new nint[5000];
                for (int i = 0; i < blocks.Length; i++)
                    blocks[i] = allocator.Allocate(64);
                foreach (nint block in blocks)
                    allocator.DeAllocate(block);
                emptied.Set();
                collected.Wait();
                // Needing a page in a class it has not used makes the thread honour the request.
                nint other = allocator.Allocate(200);
                reservedAfterTrim = allocator.ReservedBytes;
                allocator.DeAllocate(other);
            }
            catch (Exception e)
            {
                failure = e;
                emptied.Set();
            }
        });
        worker.Start();
        emptied.Wait();
        long reservedBefore = allocator.ReservedBytes;
        allocator.GarbageCollect();
        Assert.Equal(reservedBefore, allocator.ReservedBytes); // another live thread's pages: not ours to touch
        collected.Set();
        worker.Join();

        Assert.Null(failure);
        Assert.True(reservedAfterTrim < reservedBefore, $"{reservedAfterTrim} bytes reserved after the trim, {reservedBefore} before");
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Fact]
    public void EachSchemaInstanceHasItsOwnPoolsOnTheSameThread()
    {
        using var first = PoolAllocators.Create(PoolKind.ThreadPool);
        using var second = PoolAllocators.Create(PoolKind.ThreadPool, new PoolSchemaOptions { PageSize = 1024, MinAllocationSize = 64, MaxAllocationSize = 256 });
        nint a = first.Allocate(8);
        nint b = second.Allocate(8);
        Assert.Equal(8, first.AllocationSize(a));
        Assert.Equal(64, second.AllocationSize(b));
        Assert.Equal(8, first.NumAllocatedBytes);
        Assert.Equal(64, second.NumAllocatedBytes);
        first.DeAllocate(a);
        second.DeAllocate(b);
        first.GarbageCollect();
        second.GarbageCollect();
        Assert.Equal(0, first.ReservedBytes);
        Assert.Equal(0, second.ReservedBytes);
    }

    private static void RunThreads(int count, Action<int> body)
    {
        Exception? failure = null;
        var threads = Enumerable.Range(0, count).Select(i => new Thread(() =>
        {
            try
            {
                body(i);
            }
            catch (Exception e)
            {
                failure = e;
            }
        })).ToArray();
        foreach (var thread in threads)
            thread.Start();
        foreach (var thread in threads)
            thread.Join();
        Assert.Null(failure);
    }
}
