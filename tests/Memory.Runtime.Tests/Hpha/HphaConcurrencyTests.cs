using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Hpha;

/// <summary>Many threads on one heap: contents stay intact and the byte counts stay exact.</summary>
public sealed unsafe class HphaConcurrencyTests
{
    [Theory]
    [InlineData(TrackingMode.None)]     // the schema's own counts
    [InlineData(TrackingMode.Counters)] // the allocator's counters, fed by AllocationSize
    public void Ten_threads_of_small_allocations_leave_exact_counts(TrackingMode mode)
    {
        using var allocator = new SystemAllocator();
        allocator.Records.Mode = mode;
        const int Threads = 10;
        const int AllocationsPerThread = 10_000;
        long[] peaks = new long[Threads];

        var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            var random = new Random(1000 + t);
            var live = new List<(nint Pointer, int Size, byte Fill)>();
            for (int i = 0; i < AllocationsPerThread; i++)
            {
                int size = random.Next(1, 257);
                nint pointer = allocator.Allocate(size);
                Assert.NotEqual(0, pointer);
                byte fill = (byte)(t * 16 + (i & 15));
                new Span<byte>((void*)pointer, size).Fill(fill);
                live.Add((pointer, size, fill));

                // Free about half as we go, in random order, so frees interleave with other threads' allocations.
                if (random.Next(2) == 0)
                {
                    int index = random.Next(live.Count);
                    Free(allocator, live[index]);
                    live[index] = live[^1];
                    live.RemoveAt(live.Count - 1);
                }
            }
            peaks[t] = live.Count;
            foreach (var block in live)
                Free(allocator, block);
        })).ToList();

        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.All(peaks, p => Assert.True(p > 0));
        Assert.Equal(0, allocator.NumAllocatedBytes);
        if (mode == TrackingMode.Counters)
            Assert.Equal(0, allocator.Records.LiveAllocations);
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Theory]
    [InlineData(1000)]  // the default retention of empty chunks
    [InlineData(0)]     // chunks go back to the OS (and held blocks merge) as soon as they can: the most churn
    public void Threads_mixing_every_kind_keep_the_tree_consistent(int emptyChunkRetentionMs)
    {
        var schema = new HphaSchema(new HphaOptions
        {
            EmptyPagesKeptPerBucket = 0,
            EmptyChunkRetention = TimeSpan.FromMilliseconds(emptyChunkRetentionMs),
        });
        var workers = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            var live = new List<(nint Pointer, int Size)>();
            for (int i = 0; i < 20_000; i++)
            {
                if (live.Count > 0 && random.Next(2) == 0)
                {
                    int index = random.Next(live.Count);
                    var (pointer, size) = live[index];
                    Assert.Equal((byte)size, ((byte*)pointer)[size - 1]);
                    schema.DeAllocate(pointer, 0, 0);
                    live[index] = live[^1];
                    live.RemoveAt(live.Count - 1);
                    continue;
                }
                int newSize = random.Next(3) switch { 0 => random.Next(1, 1025), 1 => random.Next(1025, 20_000), _ => random.Next(20_000, 300_000) };
                nint block = schema.Allocate(newSize, random.Next(4) == 0 ? 64 : 0);
                ((byte*)block)[0] = 1;
                ((byte*)block)[newSize - 1] = (byte)newSize;
                live.Add((block, newSize));
            }
            foreach (var (pointer, _) in live)
                schema.DeAllocate(pointer, 0, 0);
        })).ToList();

        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.Null(schema.Validate());
        Assert.Equal(0, schema.NumAllocatedBytes);
        schema.GarbageCollect();
        Assert.Equal(0, schema.ReservedBytes);
    }

    private static void Free(SystemAllocator allocator, (nint Pointer, int Size, byte Fill) block)
    {
        int wrong = new ReadOnlySpan<byte>((void*)block.Pointer, block.Size).IndexOfAnyExcept(block.Fill);
        Assert.True(wrong < 0, $"block 0x{block.Pointer:X} of {block.Size} bytes overwritten at byte {wrong}");
        allocator.DeAllocate(block.Pointer, block.Size);
    }
}
