using System.Collections.Concurrent;
using Memory.Runtime.Tests.Testing;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Heap;

public sealed class HeapThreadingTests
{
    [Theory]
    [InlineData(TrackingMode.None)]
    [InlineData(TrackingMode.Counters)]
    public void Ten_threads_of_random_small_allocations_leave_exact_counts(TrackingMode mode)
    {
        using var heap = new HeapAllocator();
        heap.Records.Mode = mode;

        RunThreads(10, thread =>
        {
            var random = new Random(1000 + thread);
            var live = new List<(nint Address, int Size, byte Pattern)>();
            for (int i = 0; i < 10_000; i++)
            {
                if (live.Count > 0 && random.Next(3) == 0)
                {
                    int index = random.Next(live.Count);
                    var (address, size, pattern) = live[index];
                    live[index] = live[^1];
                    live.RemoveAt(live.Count - 1);
                    CheckPattern(address, size, pattern);
                    heap.DeAllocate(address);
                }

                int newSize = random.Next(1, 257);
                nint block = heap.Allocate(newSize);
                Assert.NotEqual(0, block);
                byte newPattern = (byte)(thread * 16 + i % 16 + 1);
                FillPattern(block, newSize, newPattern);
                live.Add((block, newSize, newPattern));
            }
            foreach (var (address, size, pattern) in live)
            {
                CheckPattern(address, size, pattern);
                heap.DeAllocate(address);
            }
        });

        Assert.Equal(0, heap.NumAllocatedBytes);
        if (mode == TrackingMode.Counters)
        {
            Assert.Equal(0, heap.Records.LiveAllocations);
            Assert.Equal(100_000, heap.Records.TotalAllocations);
        }
    }

    [Theory]
    [InlineData(TrackingMode.None)]
    [InlineData(TrackingMode.Counters)]
    public void Blocks_freed_by_other_threads_keep_counts_exact(TrackingMode mode)
    {
        const int Producers = 5;
        const int PerProducer = 20_000;
        using var heap = new HeapAllocator();
        heap.Records.Mode = mode;
        using var queue = new BlockingCollection<(nint Address, int Size, byte Pattern)>(boundedCapacity: 4096);
        long allocatedWhileRunning = 0;

        var producers = Workers.Start(Producers, thread =>
        {
            var random = new Random(2000 + thread);
            for (int i = 0; i < PerProducer; i++)
            {
                int size = random.Next(1, 257);
                nint block = heap.Allocate(size);
                Assert.NotEqual(0, block);
                byte pattern = (byte)(thread * 40 + i % 40 + 1);
                FillPattern(block, size, pattern);
                queue.Add((block, size, pattern));
            }
        });
        var consumers = Workers.Start(5, _ =>
        {
            foreach (var (address, size, pattern) in queue.GetConsumingEnumerable())
            {
                CheckPattern(address, size, pattern);
                heap.DeAllocate(address);
            }
        });

        try
        {
            producers.Join();
            allocatedWhileRunning = heap.NumAllocatedBytes;
        }
        finally
        {
            queue.CompleteAdding();
            consumers.Join();
        }

        Assert.True(allocatedWhileRunning >= 0);
        Assert.Equal(0, heap.NumAllocatedBytes);
        if (mode == TrackingMode.Counters)
            Assert.Equal(Producers * PerProducer, heap.Records.TotalAllocations);
        heap.GarbageCollect();
        Assert.Equal(0, heap.NumAllocatedBytes);
    }

    [Fact]
    public void Caches_of_exited_threads_go_back_to_the_heap()
    {
        using var heap = new HeapAllocator();
        heap.Records.Mode = TrackingMode.None;

        // Each thread leaves blocks in its cache and some blocks live; the live ones are freed here, on
        // another thread, which must not disturb the count.
        var leftLive = new ConcurrentBag<nint>();
        RunThreads(4, thread =>
        {
            var blocks = Enumerable.Range(0, 2000).Select(i => heap.Allocate(16 + i % 200)).ToList();
            foreach (nint block in blocks.Take(1990))
                heap.DeAllocate(block);
            foreach (nint block in blocks.Skip(1990))
                leftLive.Add(block);
        });

        WaitUntil(() => heap.ThreadCacheCount == 0);
        Assert.Equal(0, heap.CachedBlocks);
        Assert.Equal(leftLive.Sum(block => (long)heap.AllocationSize(block)), heap.NumAllocatedBytes);

        // Nothing is left in any cache, so once the live blocks go, garbage collection returns every page
        // even though this thread flushes only its own cache.
        var collector = new Thread(() =>
        {
            foreach (nint block in leftLive)
                heap.DeAllocate(block);
        });
        collector.Start();
        collector.Join();
        WaitUntil(() => heap.ThreadCacheCount == 0);
        heap.GarbageCollect();
        Assert.Equal(0, heap.NumAllocatedBytes);
        Assert.Equal(0, heap.ReservedBytes);
    }

    [Fact]
    public void A_new_thread_takes_back_the_caches_of_threads_that_have_exited()
    {
        using var heap = new HeapAllocator();
        heap.Records.Mode = TrackingMode.None;
        for (int generation = 0; generation < 5; generation++)
        {
            OnThread.Run(() =>
            {
                foreach (nint block in Enumerable.Range(0, 100).Select(_ => heap.Allocate(64)).ToArray())
                    heap.DeAllocate(block);
                // This thread's first call found the one before it gone and returned its cache, with no collection.
                Assert.Equal(1, heap.ThreadCacheCount);
                Assert.True(heap.CachedBlocks > 0);
            });
        }
        Assert.Equal(0, heap.NumAllocatedBytes);
    }

    [Fact]
    public void Garbage_collection_returns_an_exited_threads_cache_without_its_finalizer()
    {
        using var heap = new HeapAllocator();
        heap.Records.Mode = TrackingMode.None;
        OnThread.Run(() =>
        {
            foreach (nint block in Enumerable.Range(0, 100).Select(_ => heap.Allocate(200)).ToArray())
                heap.DeAllocate(block);
        });

        heap.GarbageCollect();

        Assert.Equal(0, heap.ThreadCacheCount);
        Assert.Equal(0, heap.CachedBlocks);
        Assert.Equal(0, heap.NumAllocatedBytes);
        Assert.Equal(0, heap.ReservedBytes);
    }

    [Fact]
    public void Garbage_collect_makes_other_threads_flush_at_their_next_operation()
    {
        using var heap = new HeapAllocator();
        using var filled = new ManualResetEventSlim();
        using var collected = new ManualResetEventSlim();
        long cachedBefore = 0;
        long cachedAfter = -1;

        var worker = Workers.Start(1, _ =>
        {
            nint kept = heap.Allocate(48);
            foreach (nint block in Enumerable.Range(0, 500).Select(_ => heap.Allocate(48)).ToArray())
                heap.DeAllocate(block);
            cachedBefore = heap.CachedBlocks;
            filled.Set();
            Assert.True(collected.Wait(TimeSpan.FromMinutes(1)));

            heap.DeAllocate(kept); // The first operation after the collection flushes, then caches this block.
            cachedAfter = heap.CachedBlocks;
        });
        Assert.True(filled.Wait(TimeSpan.FromMinutes(1)));
        heap.GarbageCollect();
        collected.Set();
        worker.Join();

        Assert.True(cachedBefore > 1, $"{cachedBefore} blocks cached before");
        Assert.Equal(1, cachedAfter);
    }

    internal static unsafe void FillPattern(nint block, int size, byte pattern)
        => new Span<byte>((void*)block, size).Fill(pattern);

    internal static unsafe void CheckPattern(nint block, int size, byte pattern)
    {
        if (new ReadOnlySpan<byte>((void*)block, size).IndexOfAnyExcept(pattern) >= 0)
            Assert.Fail($"block 0x{block:X} ({size} B) was overwritten");
    }

    private static void RunThreads(int count, Action<int> body) => Workers.Start(count, body).Join();

    /// <summary>Threads whose exceptions are rethrown on <see cref="Join"/> instead of ending the test host.</summary>
    private sealed class Workers
    {
        private readonly List<Thread> _threads = [];
        private readonly ConcurrentQueue<Exception> _errors = new();

        public static Workers Start(int count, Action<int> body)
        {
            var workers = new Workers();
            for (int index = 0; index < count; index++)
            {
                int captured = index;
                var thread = new Thread(() =>
                {
                    try
                    {
                        body(captured);
                    }
                    catch (Exception e)
                    {
                        workers._errors.Enqueue(e);
                    }
                });
                workers._threads.Add(thread);
                thread.Start();
            }
            return workers;
        }

        public void Join()
        {
            _threads.ForEach(thread => thread.Join());
            if (!_errors.IsEmpty)
                throw new AggregateException(_errors);
        }
    }

    private static void WaitUntil(Func<bool> condition)
    {
        // Finalizers of exited threads' caches run after a collection; give the runtime a few rounds.
        for (int round = 0; round < 100 && !condition(); round++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            if (!condition())
                Thread.Sleep(20);
        }
        Assert.True(condition(), "exited threads' caches were not handed back");
    }
}
