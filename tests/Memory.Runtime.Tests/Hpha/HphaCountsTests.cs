using Memory.Runtime.Tests.Testing;
using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Hpha;

/// <summary>
/// The counts HPHA keeps itself (<see cref="HphaSchema.KeepsCounts"/>): block counts from the thread caches' lists and
/// from the parts that serve blocks directly, live bytes exact, the peak kept while the allocator counts: exact with one
/// thread, within the publish threshold per thread with several; threads that exit leave their counts behind.
/// </summary>
public sealed class HphaCountsTests
{
    private static SystemAllocator NewSystem(TrackingMode mode, HphaOptions? options = null)
    {
        var allocator = new SystemAllocator(options ?? HphaOptions.Default);
        allocator.Records.Mode = mode;
        return allocator;
    }

    // Small (cached), tree-class (cached), tree, aligned and big blocks.
    private static readonly (int Size, int Alignment)[] Shapes =
        [(1, 0), (24, 0), (200, 0), (1000, 0), (1100, 0), (1500, 0), (3000, 0), (40_000, 0), (64, 64), (5000, 256), (3 << 20, 0)];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Counts_and_the_peak_are_exact_on_one_thread_for_every_kind_of_block(bool caches)
    {
        using var allocator = NewSystem(TrackingMode.Counters, caches ? null : new HphaOptions { ThreadCacheBytesPerSize = 0 });
        var blocks = new List<nint>();
        long live = 0, peak = 0;
        for (int round = 0; round < 3; round++)
        {
            foreach (var (size, alignment) in Shapes)
            {
                nint block = allocator.Allocate(size, alignment);
                blocks.Add(block);
                live += allocator.AllocationSize(block);
                peak = Math.Max(peak, live);
            }
            // Free every other block, oldest first: the peak stays where it was, the live bytes follow exactly.
            for (int i = blocks.Count - 1; i >= 0; i -= 2)
            {
                live -= allocator.AllocationSize(blocks[i]);
                allocator.DeAllocate(blocks[i]);
                blocks.RemoveAt(i);
            }
            Assert.Equal(live, allocator.Records.AllocatedBytes);
            Assert.Equal(blocks.Count, allocator.Records.LiveAllocations);
            Assert.Equal(peak, allocator.Records.PeakBytes);
        }

        Assert.Equal(3 * Shapes.Length, allocator.Records.TotalAllocations);
        foreach (nint block in blocks)
            allocator.DeAllocate(block);
        Assert.Equal(0, allocator.Records.AllocatedBytes);
        Assert.Equal(0, allocator.Records.LiveAllocations);
        Assert.Equal(peak, allocator.Records.PeakBytes);
    }

    [Fact]
    public void A_peak_far_above_the_publish_threshold_is_exact_on_one_thread()
    {
        using var allocator = NewSystem(TrackingMode.Counters);
        var blocks = new nint[20_000];   // 20,000 x 48 B: 960,000 bytes, many times the 64 KiB threshold
        for (int i = 0; i < blocks.Length; i++)
            blocks[i] = allocator.Allocate(48);
        foreach (nint block in blocks)
            allocator.DeAllocate(block);
        // A second, lower wave must not move it.
        for (int i = 0; i < blocks.Length / 2; i++)
            blocks[i] = allocator.Allocate(48);
        for (int i = 0; i < blocks.Length / 2; i++)
            allocator.DeAllocate(blocks[i]);

        Assert.Equal(blocks.Length * 48L, allocator.Records.PeakBytes);
        Assert.Equal(0, allocator.Records.AllocatedBytes);
        Assert.Equal(blocks.Length * 1.5, allocator.Records.TotalAllocations);
    }

    [Fact]
    public void Resetting_the_peak_lowers_it_to_the_live_bytes_and_later_allocations_raise_it_exactly()
    {
        using var allocator = NewSystem(TrackingMode.Counters);
        var first = Enumerable.Range(0, 5000).Select(_ => allocator.Allocate(64)).ToArray();
        foreach (nint block in first.Skip(100))
            allocator.DeAllocate(block);
        Assert.Equal(5000 * 64L, allocator.Records.PeakBytes);

        allocator.Records.ResetPeak();
        Assert.Equal(100 * 64L, allocator.Records.PeakBytes);

        var second = Enumerable.Range(0, 300).Select(_ => allocator.Allocate(64)).ToArray();
        foreach (nint block in second)
            allocator.DeAllocate(block);
        Assert.Equal(400 * 64L, allocator.Records.PeakBytes);
        foreach (nint block in first.Take(100))
            allocator.DeAllocate(block);
    }

    [Fact]
    public void Counting_started_late_counts_blocks_from_before_and_peaks_from_the_bytes_live_then()
    {
        using var allocator = NewSystem(TrackingMode.None);
        var early = Enumerable.Range(0, 1000).Select(_ => allocator.Allocate(32)).ToArray();

        allocator.Records.Mode = TrackingMode.Counters;
        Assert.Equal(1000 * 32L, allocator.Records.AllocatedBytes);
        Assert.Equal(1000, allocator.Records.LiveAllocations);
        Assert.Equal(1000 * 32L, allocator.Records.PeakBytes);

        nint extra = allocator.Allocate(32);
        allocator.DeAllocate(extra);
        foreach (nint block in early)
            allocator.DeAllocate(block);
        Assert.Equal(1001 * 32L, allocator.Records.PeakBytes);
        Assert.Equal(0, allocator.Records.AllocatedBytes);
        Assert.Equal(0, allocator.Records.LiveAllocations);
    }

    [Fact]
    public void Threads_that_exit_leave_their_counts_and_blocks_freed_elsewhere_balance()
    {
        using var allocator = NewSystem(TrackingMode.Counters);
        const int Threads = 4, PerThread = 3000;
        var made = new nint[Threads][];
        for (int t = 0; t < Threads; t++)
        {
            int index = t;
            OnThread.Run(() => made[index] = Enumerable.Range(0, PerThread).Select(i => allocator.Allocate(16 + i % 900)).ToArray());
        }
        allocator.GarbageCollect();  // retires the exited threads' caches: their counts must stay

        long expected = made.Sum(blocks => blocks.Sum(block => (long)allocator.AllocationSize(block)));
        Assert.Equal(expected, allocator.Records.AllocatedBytes);
        Assert.Equal(Threads * PerThread, allocator.Records.LiveAllocations);
        Assert.Equal(Threads * PerThread, allocator.Records.TotalAllocations);
        Assert.InRange(allocator.Records.PeakBytes, expected, expected + Threads * Memory.Tracking.Counters.AllocationCounters.PublishThreshold);

        // Freed on other threads than those that allocated them.
        Parallel.ForEach(made, new ParallelOptions { MaxDegreeOfParallelism = 2 }, blocks =>
        {
            foreach (nint block in blocks)
                allocator.DeAllocate(block);
        });
        Assert.Equal(0, allocator.Records.AllocatedBytes);
        Assert.Equal(0, allocator.Records.LiveAllocations);
        Assert.Equal(Threads * PerThread, allocator.Records.TotalAllocations);
    }

    [Fact]
    public void A_thread_that_frees_publishes_so_the_next_threads_allocations_do_not_overstate_the_peak()
    {
        using var allocator = NewSystem(TrackingMode.Counters);
        const int Blocks = 1024; // 1 MiB of the largest small blocks, through the thread caches
        long threshold = Memory.Tracking.Counters.AllocationCounters.PublishThreshold;
        using var freed = new ManualResetEventSlim();
        using var finish = new ManualResetEventSlim();
        var first = new Thread(() =>
        {
            nint[] blocks = Enumerable.Range(0, Blocks).Select(_ => allocator.Allocate(1024)).ToArray();
            foreach (nint block in blocks)
                allocator.DeAllocate(block);
            freed.Set();
            finish.Wait();  // alive, so its cache is not retired: retiring it would hand over its bytes anyway
        });
        first.Start();
        freed.Wait();

        // The live bytes never pass 1 MiB. Had the first thread kept its frees to itself, the heap's total would still hold
        // its megabyte while this thread published one more, and the peak would read about 2 MiB.
        nint[] mine = Enumerable.Range(0, Blocks).Select(_ => allocator.Allocate(1024)).ToArray();
        long peak = allocator.Records.PeakBytes;
        finish.Set();
        first.Join();
        foreach (nint block in mine)
            allocator.DeAllocate(block);

        Assert.InRange(peak, Blocks * 1024L, Blocks * 1024L + 2 * threshold);
    }

    [Fact]
    public void Under_concurrent_traffic_the_peak_is_never_below_a_total_read_and_counts_end_exact()
    {
        using var allocator = NewSystem(TrackingMode.Counters);
        using var stop = new CancellationTokenSource();
        long highestRead = 0;
        var workers = Enumerable.Range(0, 3).Select(seed => new Thread(() =>
        {
            var random = new Random(seed);
            var live = new List<nint>();
            while (!stop.IsCancellationRequested)
            {
                if (live.Count > 0 && random.Next(2) == 0)
                {
                    int i = random.Next(live.Count);
                    allocator.DeAllocate(live[i]);
                    live[i] = live[^1];
                    live.RemoveAt(live.Count - 1);
                }
                else if (live.Count < 500)
                    live.Add(allocator.Allocate(random.Next(1, 2500)));
            }
            foreach (nint block in live)
                allocator.DeAllocate(block);
        })).ToArray();
        foreach (var worker in workers)
            worker.Start();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 500)
        {
            long bytes = allocator.Records.AllocatedBytes;
            long peak = allocator.Records.PeakBytes;
            Assert.True(peak >= bytes, $"peak {peak} below the total {bytes} read before it");
            highestRead = Math.Max(highestRead, bytes);
        }
        stop.Cancel();
        foreach (var worker in workers)
            worker.Join();

        Assert.Equal(0, allocator.Records.AllocatedBytes);
        Assert.Equal(0, allocator.Records.LiveAllocations);
        Assert.True(allocator.Records.PeakBytes >= highestRead);
        Assert.True(allocator.Records.TotalAllocations > 0);
    }
}
