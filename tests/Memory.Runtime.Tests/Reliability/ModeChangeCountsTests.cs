using Memory.Tracking;

namespace Memory.Runtime.Tests.Reliability;

/// <summary>
/// Item 1 of the reliability work: counts stay exact while another thread flips the tracking mode between
/// <see cref="TrackingMode.Records"/> and <see cref="TrackingMode.Counters"/>. Records added after the mode setter's
/// clear outlived it, and a reallocation lost its entry between lookup and removal. Run against the code before the
/// fix (one run of each case, 0.5 to 3 seconds, at least 200 mode changes), three of the four System and Heap cases
/// failed: live bytes -16 (System, allocate and free), +1,672 (System, with reallocation), +9,536 (Heap, with
/// reallocation); Heap without reallocation happened to end exact that run. A second race was left: a reallocation
/// removed the old block's record only after the schema had moved the block, so another thread could get the old
/// address, and free it (while a mode change had it on the tracked path) at the size of the record left there. The
/// System and Child cases with reallocation failed about one run in eight of this class (off by 1,520 to 1,760
/// bytes); a standalone stress of 100 half-second rounds found 3 in 60 before the record was taken out first, and
/// 1 in 200 after (off by 144 bytes, live count exact). The same stress run later for 1,500 rounds (System, Child and
/// Heap with reallocation, 4 and 8 workers, at load 4 to 24) ended exact every time: if a rarer drift remains, it is
/// rarer than that.
/// </summary>
public sealed class ModeChangeCountsTests
{
    private const int Workers = 4;
    private const int Flips = 200;
    private static readonly TimeSpan MinimumDuration = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaximumDuration = TimeSpan.FromSeconds(3);

    [Theory]
    [InlineData("System", false)]
    [InlineData("System", true)]
    [InlineData("Heap", false)]
    [InlineData("Heap", true)]
    [InlineData("Child", false)]
    [InlineData("Child", true)]
    public void Counts_are_exact_after_every_block_is_freed(string kind, bool reallocate)
    {
        var (allocator, parent) = ReliabilityAllocators.Create(kind, $"ModeFlip.{kind}.{reallocate}.{Guid.NewGuid():N}", TrackingMode.Records);
        try
        {
            using var stop = new CancellationTokenSource();
            long flips = 0;
            var flipper = new Thread(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    allocator.Records.Mode = TrackingMode.Counters;
                    Thread.Yield();
                    allocator.Records.Mode = TrackingMode.Records;
                    Thread.Yield();
                    Interlocked.Increment(ref flips);
                }
            });
            var workers = Enumerable.Range(0, Workers).Select(seed => new Thread(() => Work(allocator, seed, reallocate, stop.Token))).ToArray();
            flipper.Start();
            foreach (var worker in workers)
                worker.Start();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed < MaximumDuration && (clock.Elapsed < MinimumDuration || Volatile.Read(ref flips) < Flips))
                Thread.Sleep(20);
            stop.Cancel();
            foreach (var worker in workers)
                worker.Join();
            flipper.Join();

            Assert.True(flips >= 10, $"only {flips} mode changes");
            Assert.Equal(0, allocator.Records.AllocatedBytes);
            Assert.Equal(0, allocator.Records.LiveAllocations);
            Assert.Equal(0, allocator.Records.RecordCount);
            if (parent is not null)
            {
                Assert.Equal(0, parent.Records.AllocatedBytes);
                Assert.Equal(0, parent.Records.LiveAllocations);
            }
        }
        finally
        {
            allocator.Dispose();
            parent?.Dispose();
        }
    }

    private static void Work(AllocatorBase allocator, int seed, bool reallocate, CancellationToken stop)
    {
        var random = new Random(seed);
        var live = new List<nint>();
        while (!stop.IsCancellationRequested)
        {
            int action = random.Next(100);
            if (live.Count > 0 && action < 40)
            {
                int index = random.Next(live.Count);
                allocator.DeAllocate(live[index]);
                live[index] = live[^1];
                live.RemoveAt(live.Count - 1);
            }
            else if (reallocate && live.Count > 0 && action < 60)
            {
                int index = random.Next(live.Count);
                live[index] = allocator.ReAllocate(live[index], random.Next(1, 3000));
            }
            else if (live.Count < 200)
            {
                live.Add(allocator.Allocate(random.Next(1, 3000)));
            }
        }
        foreach (nint block in live)
            allocator.DeAllocate(block);
    }
}
