using Memory.Diagnostics;
using Memory.Runtime.Tests.Testing;
using Memory.Schemas;
using Memory.Schemas.Hpha;

namespace Memory.Runtime.Tests.Hpha;

/// <summary>
/// The thread caches in front of HPHA's small-block buckets: frees from other threads, caches of exited threads,
/// garbage collection, double frees into a cache, exact counts, the option that bounds or disables them.
/// </summary>
public sealed unsafe class HphaThreadCacheTests
{
    private static readonly HphaOptions Cached = new() { ThreadCacheBytesPerSize = 4096 };

    [Fact]
    public void A_freed_block_waits_in_the_thread_cache_and_is_not_counted_live()
    {
        var schema = new HphaSchema(Cached);
        nint block = schema.Allocate(64, 0);
        Assert.Equal(64, schema.NumAllocatedBytes);

        schema.DeAllocate(block, 0, 0);

        Assert.Equal(0, schema.NumAllocatedBytes);
        Assert.True(schema.CallingThreadCachedBlocks > 0);
        Assert.True(schema.CachedBytes >= 64);
        // The cache hands the block it just took back out again, without going to the bucket.
        Assert.Equal(block, schema.Allocate(64, 0));
        Assert.Equal(64, schema.NumAllocatedBytes);
        schema.DeAllocate(block, 0, 0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void Requests_of_up_to_8_bytes_take_cached_16_byte_blocks(int size)
    {
        var schema = new HphaSchema(Cached);
        nint block = schema.Allocate(size, 0);
        Assert.Equal(16, schema.AllocationSize(block));
        Assert.Equal(0, block % 16);
        int cached = schema.CallingThreadCachedBlocks;   // the rest of the batch the cache took from the bucket

        schema.DeAllocate(block, 0, 0);

        Assert.Equal(cached + 1, schema.CallingThreadCachedBlocks);
        Assert.Equal(block, schema.Allocate(size, 0));
        // Resizing within what the block serves keeps it in place.
        Assert.Equal(block, schema.ReAllocate(block, 16 - size + 1, 0));
        schema.DeAllocate(block, 0, 0);
        schema.GarbageCollect();
        Assert.Equal(0, schema.NumAllocatedBytes);
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Fact]
    public void Small_requests_take_the_smallest_class_that_holds_them_and_keep_their_alignment()
    {
        // Written out rather than derived, so a wrong table cannot agree with a wrong derivation.
        int[] classes = [16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024];
        var schema = new HphaSchema(Cached);
        for (int size = 0; size <= SmallBlockBuckets.MaxSize; size++)
        {
            for (int alignment = 0; alignment <= SmallBlockBuckets.MaxSize; alignment = alignment == 0 ? 1 : alignment * 2)
            {
                int rounded = alignment <= SmallBlockBuckets.Spacing ? size : (Math.Max(size, 1) + alignment - 1) & -alignment;
                if (rounded > SmallBlockBuckets.MaxSize)
                    continue;
                int expected = classes.First(c => c >= rounded);

                nint block = schema.Allocate(size, alignment);

                Assert.Equal(expected, schema.AllocationSize(block));
                Assert.Equal(0, block % Math.Max(alignment, 16));
                schema.DeAllocate(block, 0, 0);
            }
        }
        schema.GarbageCollect();
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Fact]
    public void With_the_caches_off_8_byte_requests_keep_their_8_byte_blocks()
    {
        var schema = new HphaSchema(new HphaOptions { ThreadCacheBytesPerSize = 0 });
        nint block = schema.Allocate(8, 0);
        Assert.Equal(8, schema.AllocationSize(block));
        schema.DeAllocate(block, 0, 0);
    }

    [Fact]
    public void Tree_blocks_up_to_one_and_a_half_kibibytes_are_cached_and_not_counted_live()
    {
        // At 16 KiB per size a class of 1216 bytes holds up to 53 blocks and starts at 13, so a miss takes 6.
        var schema = new HphaSchema(new HphaOptions { ThreadCacheBytesPerSize = 16 * 1024 });
        nint block = schema.Allocate(1200, 0);
        long usable = schema.AllocationSize(block);
        Assert.Equal(usable, schema.NumAllocatedBytes);
        // The miss took half a list from the tree under one lock: the block, and the rest waiting in the cache.
        long batch = schema.CachedBytes;
        Assert.True(batch > 0);
        Assert.Equal(0, batch % usable);

        schema.DeAllocate(block, 0, 0);

        Assert.Equal(0, schema.NumAllocatedBytes);
        Assert.Equal(batch + usable, schema.CachedBytes);
        // Any request of the block's class gets it back.
        Assert.Equal(block, schema.Allocate(1190, 0));
        Assert.Equal(usable, schema.NumAllocatedBytes);
        schema.DeAllocate(block, 0, 0);
        schema.GarbageCollect();
        Assert.Equal(0, schema.CachedBytes);
        Assert.Null(schema.Validate());
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Fact]
    public void Tree_blocks_beyond_a_class_bound_go_back_to_the_tree_in_batches_and_merge()
    {
        var schema = new HphaSchema(Cached);
        var blocks = Enumerable.Range(0, 80).Select(_ => schema.Allocate(1500, 0)).ToArray();

        foreach (nint block in blocks)
            schema.DeAllocate(block, 0, 0);

        // The class of 1473 to 1536 bytes holds four sizes' worth of 4 KiB: 10 blocks. The other frees went back to the
        // tree in batches.
        Assert.InRange(schema.CallingThreadCachedBlocks, 1, 10);
        Assert.Equal(0, schema.NumAllocatedBytes);
        Assert.Null(schema.Validate());
        schema.GarbageCollect();
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Fact]
    public void Reallocating_a_tree_block_that_sits_in_a_cache_throws()
    {
        var schema = new HphaSchema(Cached);
        nint block = schema.Allocate(1300, 0);
        schema.DeAllocate(block, 0, 0);

        var misuse = Assert.Throws<AllocatorMisuseException>(() => schema.ReAllocate(block, 1400, 0));
        Assert.Equal(MisuseKind.DoubleFree, misuse.Kind);
    }

    [Fact]
    public void A_cache_keeps_at_most_its_bound_per_size()
    {
        var schema = new HphaSchema(new HphaOptions { ThreadCacheBytesPerSize = 1024 });
        var blocks = Enumerable.Range(0, 200).Select(_ => schema.Allocate(64, 0)).ToArray();
        foreach (nint block in blocks)
            schema.DeAllocate(block, 0, 0);

        Assert.Equal(0, schema.NumAllocatedBytes);
        Assert.InRange(schema.CachedBytes, 64, 1024);
    }

    [Fact]
    public void A_list_starts_at_a_quarter_of_its_bound_grows_with_use_and_shrinks_back_on_garbage_collection()
    {
        // 64-byte blocks at 4 KiB per size: at most 64 blocks, starting at 16 with batches of 8.
        var schema = new HphaSchema(Cached);
        nint first = schema.Allocate(64, 0);
        Assert.Equal(7, schema.CallingThreadCachedBlocks);  // the first refill: a batch of 8, one to the caller

        var blocks = Enumerable.Range(0, 200).Select(_ => schema.Allocate(64, 0)).Append(first).ToArray();
        foreach (nint block in blocks)
            schema.DeAllocate(block, 0, 0);

        // Grown to its bound by the trips to the bucket: between half of it (after a flush) and all of it.
        Assert.InRange(schema.CallingThreadCachedBlocks, 32, 64);

        schema.GarbageCollect();
        Assert.Equal(0, schema.CallingThreadCachedBlocks);
        nint again = schema.Allocate(64, 0);
        Assert.Equal(7, schema.CallingThreadCachedBlocks);  // back to the starting bound's batch
        schema.DeAllocate(again, 0, 0);
        schema.GarbageCollect();
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Fact]
    public void Blocks_above_256_bytes_keep_as_many_in_a_cache_as_256_byte_ones()
    {
        var schema = new HphaSchema(Cached);
        var blocks = Enumerable.Range(0, 100).Select(_ => schema.Allocate(1000, 0)).ToArray();
        foreach (nint block in blocks)
            schema.DeAllocate(block, 0, 0);

        // 4 KiB of 256-byte blocks is 16; a bound in bytes alone would hold 4 of 1 KiB (the class of 1000 bytes).
        Assert.InRange(schema.CallingThreadCachedBlocks, 5, 16);
        Assert.Equal(schema.CallingThreadCachedBlocks * 1024L, schema.CachedBytes);
        Assert.Equal(0, schema.NumAllocatedBytes);
    }

    [Fact]
    public void A_thread_using_every_cached_size_holds_at_most_64_times_the_per_size_bound()
    {
        var schema = new HphaSchema(Cached);
        for (int size = 1; size <= HphaThreadCache.MaxTreeRequest; size += 8)
        {
            var blocks = Enumerable.Range(0, 300).Select(_ => schema.Allocate(size, 0)).ToArray();
            foreach (nint block in blocks)
                schema.DeAllocate(block, 0, 0);
        }

        // Every list holds between half its bound and its bound (the frees beyond it went back half a list at a time).
        // Full, they would be the 12 classes up to 256 bytes of at most 4 KiB each, the 8 classes of 320 B to 1 KiB of 16
        // blocks each (19.5 times 4 KiB) and 8 tree classes of at most 16 KiB: 63.5 times 4 KiB.
        Assert.InRange(schema.CachedBytes, 28 * 4096, 64 * 4096);
        Assert.Equal(0, schema.NumAllocatedBytes);
        schema.GarbageCollect();
        Assert.Equal(0, schema.CachedBytes);
        Assert.Null(schema.Validate());
    }

    [Theory]
    [InlineData(1025, 1088)]
    [InlineData(1088, 1088)]
    [InlineData(1089, 1152)]
    [InlineData(1500, 1536)]
    [InlineData(1536, 1536)]
    public void Tree_requests_take_the_largest_size_of_their_64_byte_class(int request, int usable)
    {
        var schema = new HphaSchema(Cached);
        nint block = schema.Allocate(request, 0);
        Assert.Equal(usable, schema.AllocationSize(block));
        schema.DeAllocate(block, 0, 0);
        // The class's list serves every request of the class with the same block.
        Assert.Equal(block, schema.Allocate(usable - 63, 0));
        schema.DeAllocate(block, 0, 0);
        schema.GarbageCollect();
        Assert.Null(schema.Validate());
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Fact]
    public void Zero_bytes_per_size_disables_the_caches()
    {
        var schema = new HphaSchema(new HphaOptions { ThreadCacheBytesPerSize = 0 });
        nint block = schema.Allocate(64, 0);
        schema.DeAllocate(block, 0, 0);

        Assert.Equal(0, schema.CachedBytes);
        Assert.Equal(0, schema.ThreadCacheCount);
        Assert.Equal(0, schema.CallingThreadCachedBlocks);
        var misuse = Assert.Throws<AllocatorMisuseException>(() => schema.DeAllocate(block, 0, 0));
        Assert.Equal(MisuseKind.DoubleFree, misuse.Kind);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(HphaOptions.MaxThreadCacheBytesPerSize + 1)]
    public void The_bytes_per_size_out_of_range_are_rejected(int bytes)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new HphaSchema(new HphaOptions { ThreadCacheBytesPerSize = bytes }));
        Assert.Equal(nameof(HphaOptions.ThreadCacheBytesPerSize), error.ParamName);
    }

    [Fact]
    public void The_default_options_have_caches()
        => Assert.True(HphaOptions.Default.ThreadCacheBytesPerSize > 0);

    [Theory]
    [InlineData(1)]     // served by 16-byte blocks, like every request of up to 8 bytes
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(256)]
    [InlineData(700)]   // a tree block
    [InlineData(1024)]
    public void A_double_free_into_a_cache_throws_and_corrupts_nothing(int size)
    {
        using var allocator = new SystemAllocator(Cached);
        nint keep = allocator.Allocate(size);
        nint block = allocator.Allocate(size);
        allocator.DeAllocate(block);
        long live = allocator.NumAllocatedBytes;

        var misuse = Assert.Throws<AllocatorMisuseException>(() => allocator.DeAllocate(block));
        Assert.Equal(MisuseKind.DoubleFree, misuse.Kind);
        Assert.Equal(live, allocator.NumAllocatedBytes);

        // The block is handed out once: a batch larger than any cache list gets distinct, writable blocks.
        var blocks = Enumerable.Range(0, 600).Select(_ => allocator.Allocate(size)).ToArray();
        Assert.Equal(blocks.Length, blocks.Distinct().Count());
        Assert.DoesNotContain(keep, blocks);
        foreach (nint fresh in blocks)
            new Span<byte>((void*)fresh, size).Fill(0x5A);
        foreach (nint fresh in blocks)
            allocator.DeAllocate(fresh);
        allocator.DeAllocate(keep);
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }

    [Fact]
    public void A_double_free_into_another_threads_cache_throws()
    {
        var schema = new HphaSchema(Cached);
        nint block = schema.Allocate(48, 0);
        schema.DeAllocate(block, 0, 0);  // into this thread's cache

        Exception? caught = null;
        OnThread.Run(() => caught = Record.Exception(() => schema.DeAllocate(block, 0, 0)));

        var misuse = Assert.IsType<AllocatorMisuseException>(caught);
        Assert.Equal(MisuseKind.DoubleFree, misuse.Kind);
        Assert.Equal(0, schema.NumAllocatedBytes);
    }

    [Fact]
    public void A_double_free_of_a_block_flushed_back_to_its_bucket_throws()
    {
        var schema = new HphaSchema(Cached);
        nint keep = schema.Allocate(32, 0);  // keeps the page in its bucket
        nint block = schema.Allocate(32, 0);
        schema.DeAllocate(block, 0, 0);
        schema.GarbageCollect();  // the cache drains: the block is free in its bucket now
        Assert.Equal(0, schema.CallingThreadCachedBlocks);

        var misuse = Assert.Throws<AllocatorMisuseException>(() => schema.DeAllocate(block, 0, 0));
        Assert.Equal(MisuseKind.DoubleFree, misuse.Kind);
        Assert.Equal(32, schema.NumAllocatedBytes);
        schema.DeAllocate(keep, 0, 0);
        Assert.Equal(0, schema.NumAllocatedBytes);
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(0)]
    public void A_double_free_into_a_bucket_is_recognised_by_the_blocks_second_word_whatever_its_first_holds(int cacheBytes)
    {
        // The check reads the second word, which a free writes the bucket's key into: the first is where programs write
        // just before a free, and where a stray write after it lands. Before, the bucket's check decoded the first word.
        var schema = new HphaSchema(new HphaOptions { ThreadCacheBytesPerSize = cacheBytes });
        nint keep = schema.Allocate(32, 0);
        nint block = schema.Allocate(32, 0);
        schema.DeAllocate(block, 0, 0);
        schema.GarbageCollect();
        Assert.Equal(0, schema.CallingThreadCachedBlocks);
        nint link = *(nint*)block;
        *(nint*)block = unchecked((nint)0x0123456789ABCDEF);

        var misuse = Assert.Throws<AllocatorMisuseException>(() => schema.DeAllocate(block, 0, 0));
        Assert.Equal(MisuseKind.DoubleFree, misuse.Kind);

        *(nint*)block = link;  // mended, so the page's list is whole again
        schema.DeAllocate(keep, 0, 0);
        Assert.Equal(0, schema.NumAllocatedBytes);
    }

    [Fact]
    public void Reallocating_a_block_that_sits_in_a_cache_throws()
    {
        var schema = new HphaSchema(Cached);
        nint block = schema.Allocate(40, 0);
        schema.DeAllocate(block, 0, 0);

        var misuse = Assert.Throws<AllocatorMisuseException>(() => schema.ReAllocate(block, 400, 0));
        Assert.Equal(MisuseKind.DoubleFree, misuse.Kind);
    }

    [Fact]
    public void Blocks_freed_by_another_thread_go_to_its_cache_and_counts_stay_exact()
    {
        var schema = new HphaSchema(Cached);
        var blocks = Enumerable.Range(0, 1000).Select(i => schema.Allocate(16 + (i % 8) * 16, 0)).ToArray();
        long allocated = schema.NumAllocatedBytes;
        Assert.True(allocated > 0);

        int cachedThere = 0;
        OnThread.Run(() =>
        {
            foreach (nint block in blocks)
                schema.DeAllocate(block, 0, 0);
            cachedThere = schema.CallingThreadCachedBlocks;
            Assert.Equal(0, schema.NumAllocatedBytes);
            // The thread's cache is still there while it lives.
            Assert.True(schema.ThreadCacheCount >= 2);
        });

        Assert.True(cachedThere > 0);
        Assert.Equal(0, schema.NumAllocatedBytes);
    }

    [Fact]
    public void The_cache_of_an_exited_thread_is_returned_to_the_heap()
    {
        var schema = new HphaSchema(new HphaOptions { ThreadCacheBytesPerSize = 4096, EmptyPagesKeptPerBucket = 0 });
        OnThread.Run(() =>
        {
            var blocks = Enumerable.Range(0, 100).Select(_ => schema.Allocate(128, 0)).ToArray();
            foreach (nint block in blocks)
                schema.DeAllocate(block, 0, 0);
            Assert.True(schema.CachedBytes > 0);
        });

        // Whichever comes first returns it: the finalizer of the thread's table, or garbage collection, which finds
        // the owner gone. Either way nothing is left cached and the pages go back to the OS.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        schema.GarbageCollect();

        Assert.Equal(0, schema.ThreadCacheCount);
        Assert.Equal(0, schema.CachedBytes);
        Assert.Equal(0, schema.NumAllocatedBytes);
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Fact]
    public void Garbage_collection_of_an_exited_threads_cache_needs_no_finalizer()
    {
        var schema = new HphaSchema(new HphaOptions { ThreadCacheBytesPerSize = 4096, EmptyPagesKeptPerBucket = 0 });
        OnThread.Run(() => schema.DeAllocate(schema.Allocate(200, 0), 0, 0));

        schema.GarbageCollect();

        Assert.Equal(0, schema.ThreadCacheCount);
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Fact]
    public void A_new_thread_takes_back_the_caches_of_threads_that_have_exited()
    {
        var schema = new HphaSchema(Cached);
        for (int generation = 0; generation < 5; generation++)
        {
            OnThread.Run(() =>
            {
                schema.DeAllocate(schema.Allocate(128, 0), 0, 0);
                // A thread on the stack its predecessor left works in the predecessor's cache (see StackBoundCache).
                Assert.True(schema.CallingThreadCachedBlocks > 0 || schema.EntersAnotherThreadsCache);
            });
            // The thread's first call found the one before it gone and returned its cache, with no garbage collection,
            // or went on with that cache.
            Assert.Equal(1, schema.ThreadCacheCount);
        }
        Assert.Equal(0, schema.NumAllocatedBytes);
    }

    [Fact]
    public void Garbage_collection_drains_the_callers_cache_at_once_and_others_on_their_next_call()
    {
        var schema = new HphaSchema(new HphaOptions { ThreadCacheBytesPerSize = 4096, EmptyPagesKeptPerBucket = 0 });
        using var collected = new ManualResetEventSlim();
        using var drained = new ManualResetEventSlim();
        using var freed = new ManualResetEventSlim();
        int cachedBeforeCollection = 0;
        int cachedAfterNextCall = 0;

        var other = new Thread(() =>
        {
            var blocks = Enumerable.Range(0, 50).Select(_ => schema.Allocate(96, 0)).ToArray();
            foreach (nint block in blocks)
                schema.DeAllocate(block, 0, 0);
            cachedBeforeCollection = schema.CallingThreadCachedBlocks;
            freed.Set();
            collected.Wait();
            // The next call sees the request and returns everything cached before serving; then its own size's list
            // refills, and holds at most the bound's worth of 304-byte blocks (counted as 256 bytes: 16), fewer than
            // the 96-byte ones before (42).
            schema.DeAllocate(schema.Allocate(300, 0), 0, 0);
            cachedAfterNextCall = schema.CallingThreadCachedBlocks;
            drained.Set();
        });
        other.Start();
        freed.Wait();

        nint mine = schema.Allocate(64, 0);
        schema.DeAllocate(mine, 0, 0);
        Assert.True(schema.CallingThreadCachedBlocks > 0);
        schema.GarbageCollect();
        Assert.Equal(0, schema.CallingThreadCachedBlocks);

        collected.Set();
        drained.Wait();
        other.Join();

        Assert.InRange(cachedBeforeCollection, 4096 / 96 / 2, 4096 / 96);
        Assert.InRange(cachedAfterNextCall, 1, 4096 / 256);
        schema.GarbageCollect();
        Assert.Equal(0, schema.CachedBytes);
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Fact]
    public void Counts_stay_exact_after_many_random_operations_on_four_threads()
    {
        using var allocator = new SystemAllocator(Cached);
        allocator.Records.Mode = Memory.Tracking.TrackingMode.None;
        const int Threads = 4;
        // Blocks handed between threads, so that many frees come from a thread that did not allocate the block.
        var handOff = new System.Collections.Concurrent.ConcurrentQueue<(nint Pointer, int Size, byte Fill)>();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();

        var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            var random = new Random(500 + t);
            var live = new List<(nint Pointer, int Size, byte Fill)>();
            for (int i = 0; i < 30_000; i++)
            {
                int action = random.Next(10);
                if (action < 5 || live.Count == 0)
                {
                    int size = random.Next(4) == 0 ? random.Next(513, 4000) : random.Next(1, 513);
                    nint pointer = allocator.Allocate(size);
                    byte fill = (byte)random.Next(256);
                    new Span<byte>((void*)pointer, size).Fill(fill);
                    live.Add((pointer, size, fill));
                }
                else
                {
                    int index = random.Next(live.Count);
                    var block = live[index];
                    live[index] = live[^1];
                    live.RemoveAt(live.Count - 1);
                    if (action < 7)
                    {
                        handOff.Enqueue(block);
                        continue;
                    }
                    Check(block, failures);
                    allocator.DeAllocate(block.Pointer);
                }
                if (handOff.TryDequeue(out var foreign))
                {
                    Check(foreign, failures);
                    allocator.DeAllocate(foreign.Pointer);
                }
            }
            foreach (var block in live)
            {
                Check(block, failures);
                allocator.DeAllocate(block.Pointer);
            }
        })).ToList();

        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        while (handOff.TryDequeue(out var rest))
        {
            Check(rest, failures);
            allocator.DeAllocate(rest.Pointer);
        }

        Assert.Empty(failures);
        Assert.Equal(0, allocator.NumAllocatedBytes);
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.ReservedBytes);
    }

    private static void Check((nint Pointer, int Size, byte Fill) block, System.Collections.Concurrent.ConcurrentQueue<string> failures)
    {
        int wrong = new ReadOnlySpan<byte>((void*)block.Pointer, block.Size).IndexOfAnyExcept(block.Fill);
        if (wrong >= 0)
            failures.Enqueue($"block {block.Pointer:x} of {block.Size} B overwritten at {wrong}");
    }
}
