using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Pool;

/// <summary>O3DE's pool allocator cases, run against both <see cref="PoolAllocator"/> and <see cref="ThreadPoolAllocator"/>.</summary>
[Collection(PoolTestCollection.Name)]
public unsafe class PoolAllocatorTests
{
    [Theory]
    [InlineData(PoolKind.Pool)]
    [InlineData(PoolKind.ThreadPool)]
    public void EachClassSizeIsItsOwnAllocationSize(PoolKind kind)
    {
        using var allocator = PoolAllocators.Create(kind);
        for (nint size = 8; size <= 256; size += 8)
        {
            nint block = allocator.Allocate(size);
            Assert.NotEqual(0, block);
            Assert.Equal(size, allocator.AllocationSize(block));
            Assert.Equal(size, allocator.NumAllocatedBytes);
            new Span<byte>((void*)block, (int)size).Fill(0xAB);
            allocator.DeAllocate(block, size);
            Assert.Equal(0, allocator.NumAllocatedBytes);
        }
    }

    [Theory]
    [InlineData(PoolKind.Pool)]
    [InlineData(PoolKind.ThreadPool)]
    public void SizesRoundUpToTheirClass(PoolKind kind)
    {
        using var allocator = PoolAllocators.Create(kind);
        nint block = allocator.Allocate(63);
        Assert.Equal(64, allocator.AllocationSize(block));
        allocator.DeAllocate(block);

        block = allocator.Allocate(257);
        Assert.NotEqual(0, block);
        Assert.Equal(264, allocator.AllocationSize(block));
        allocator.DeAllocate(block);

        block = allocator.Allocate(1);
        Assert.Equal(8, allocator.AllocationSize(block));
        allocator.DeAllocate(block);

        block = allocator.Allocate(512);
        Assert.Equal(512, allocator.AllocationSize(block));
        allocator.DeAllocate(block);
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }

    [Theory]
    [InlineData(PoolKind.Pool)]
    [InlineData(PoolKind.ThreadPool)]
    public void RequestsAboveTheMaximumReturnNull(PoolKind kind)
    {
        using var allocator = PoolAllocators.Create(kind, mode: TrackingMode.Counters);
        Assert.Equal(0, allocator.Allocate(513));
        Assert.Equal(0, allocator.Allocate(4096));
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.Records.TotalAllocations);

        // O3DE's test pool: a maximum of 256 refuses 257.
        using var small = PoolAllocators.Create(kind, new PoolSchemaOptions { MaxAllocationSize = 256 });
        Assert.Equal(0, small.Allocate(257));
        nint block = small.Allocate(256);
        Assert.Equal(256, small.AllocationSize(block));
        small.DeAllocate(block);
    }

    [Theory]
    [InlineData(PoolKind.Pool)]
    [InlineData(PoolKind.ThreadPool)]
    public void CustomPoolServesItsOwnClasses(PoolKind kind)
    {
        var options = new PoolSchemaOptions { PageSize = 1024, MinAllocationSize = 64, MaxAllocationSize = 256 };
        using var allocator = PoolAllocators.Create(kind, options);
        var blocks = new List<nint>();
        long expected = 0;
        for (nint size = 1; size <= 256; size++)
        {
            nint block = allocator.Allocate(size);
            Assert.NotEqual(0, block);
            nint usable = (size + 63) / 64 * 64;
            Assert.Equal(usable, allocator.AllocationSize(block));
            Assert.Equal(0, block % 64);
            new Span<byte>((void*)block, (int)usable).Fill((byte)size);
            blocks.Add(block);
            expected += usable;
        }
        Assert.Equal(expected, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.Allocate(257));

        for (int i = 0; i < blocks.Count; i++)
        {
            Assert.True(new Span<byte>((void*)blocks[i], 64).IndexOfAnyExcept((byte)(i + 1)) < 0);
            allocator.DeAllocate(blocks[i]);
        }
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.True(allocator.ReservedBytes > 0);
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Theory]
    [InlineData(PoolKind.Pool, TrackingMode.None)]
    [InlineData(PoolKind.Pool, TrackingMode.Counters)]
    [InlineData(PoolKind.Pool, TrackingMode.Records)]
    [InlineData(PoolKind.ThreadPool, TrackingMode.None)]
    [InlineData(PoolKind.ThreadPool, TrackingMode.Counters)]
    [InlineData(PoolKind.ThreadPool, TrackingMode.Records)]
    public void HundredAlignedAllocationsAreCountedAndAllReturnedByGarbageCollect(PoolKind kind, TrackingMode mode)
    {
        using var allocator = PoolAllocators.Create(kind, mode: mode);
        var random = new Random(100);
        var blocks = new List<(nint Block, nint Size)>();
        long expected = 0;
        for (int i = 0; i < 100; i++)
        {
            nint size = random.Next(1, 257);
            nint alignment = (nint)1 << random.Next(0, 8); // 1 .. 128
            nint block = allocator.Allocate(size, alignment);
            Assert.NotEqual(0, block);
            Assert.Equal(0, block % alignment);
            nint usable = allocator.AllocationSize(block);
            Assert.Equal(PoolModelCheck.ExpectedUsableSize(PoolSchemaOptions.Default, size, alignment), usable);
            blocks.Add((block, size));
            expected += usable;
            Assert.Equal(expected, allocator.NumAllocatedBytes);
        }
        Assert.True(allocator.ReservedBytes >= expected);

        foreach (var (block, size) in blocks)
            allocator.DeAllocate(block, size);
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.True(allocator.ReservedBytes > 0, "pages stay reserved until garbage collection");
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Theory]
    [InlineData(PoolKind.Pool)]
    [InlineData(PoolKind.ThreadPool)]
    public void ReallocationAcrossClassesKeepsContents(PoolKind kind)
    {
        using var allocator = PoolAllocators.Create(kind);
        nint block = allocator.Allocate(8);
        Fill(block, 8, 0);

        nint[] chain = [16, 24, 100, 256, 300, 512, 200, 64, 9, 8];
        nint kept = 8;
        foreach (nint size in chain)
        {
            nint moved = allocator.ReAllocate(block, size);
            Assert.NotEqual(0, moved);
            Assert.Equal((size + 7) / 8 * 8, allocator.AllocationSize(moved));
            kept = Math.Min(kept, size);
            Check(moved, kept, 0);
            Fill(moved, size, 0);
            kept = size;
            block = moved;
            Assert.Equal(allocator.AllocationSize(block), allocator.NumAllocatedBytes);
        }

        // Within the class it stays put; across an alignment it stays put only if already aligned.
        Assert.Equal(block, allocator.ReAllocate(block, 3));
        nint grown = allocator.ReAllocate(block, 60);
        Assert.Equal(64, allocator.AllocationSize(grown));
        Assert.Equal(grown, allocator.ReAllocate(grown, 57));
        Assert.Equal(grown, allocator.ReAllocate(grown, 64, 8));

        // Beyond the pool: refused, and the block is untouched.
        Fill(grown, 64, 7);
        Assert.Equal(0, allocator.ReAllocate(grown, 513));
        Assert.Equal(0, allocator.ReAllocate(grown, 8, 8192));
        Check(grown, 64, 7);
        Assert.Equal(64, allocator.NumAllocatedBytes);

        allocator.DeAllocate(grown);
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }

    [Theory]
    [InlineData(PoolKind.Pool)]
    [InlineData(PoolKind.ThreadPool)]
    public void EveryPowerOfTwoAlignmentUpToThePageWorksForEverySizeWithinTheMaximum(PoolKind kind)
    {
        using var allocator = PoolAllocators.Create(kind);
        var blocks = new List<nint>();
        long expected = 0;
        for (nint alignment = 1; alignment <= 4096; alignment *= 2)
        {
            foreach (nint size in new nint[] { 0, 1, 8, 24, 100, 256, 500, 512 })
            {
                nint block = allocator.Allocate(size, alignment);
                Assert.NotEqual(0, block);
                Assert.Equal(0, block % alignment);
                nint usable = allocator.AllocationSize(block);
                Assert.True(usable >= size);
                Assert.Equal(PoolModelCheck.ExpectedUsableSize(PoolSchemaOptions.Default, size, alignment), usable);
                new Span<byte>((void*)block, (int)usable).Fill(0x5A);
                blocks.Add(block);
                expected += usable;
            }
        }
        Assert.Equal(expected, allocator.NumAllocatedBytes);

        // Above the page size, or above the maximum whatever the alignment: refused.
        Assert.Equal(0, allocator.Allocate(8, 8192));
        Assert.Equal(0, allocator.Allocate(513, 4096));
        Assert.Equal(expected, allocator.NumAllocatedBytes);

        foreach (nint block in blocks)
            allocator.DeAllocate(block);
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Theory]
    [InlineData(PoolKind.Pool)]
    [InlineData(PoolKind.ThreadPool)]
    public void ZeroSizeGivesUniqueFreeableBlocks(PoolKind kind)
    {
        using var allocator = PoolAllocators.Create(kind);
        nint first = allocator.Allocate(0);
        nint second = allocator.Allocate(0);
        Assert.NotEqual(0, first);
        Assert.NotEqual(0, second);
        Assert.NotEqual(first, second);
        Assert.Equal(8, allocator.AllocationSize(first));
        allocator.DeAllocate(first);
        allocator.DeAllocate(second);
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }

    [Theory]
    [InlineData(PoolKind.Pool)]
    [InlineData(PoolKind.ThreadPool)]
    public void HugeRequestsReturnNull(PoolKind kind)
    {
        using var allocator = PoolAllocators.Create(kind);
        Assert.Equal(0, allocator.Allocate(nint.MaxValue));
        Assert.Equal(0, allocator.Allocate((nint)1 << 40));
        Assert.Equal(0, allocator.Allocate(8, (nint)1 << 40));
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Theory]
    [InlineData(PoolKind.Pool, 16)]
    [InlineData(PoolKind.Pool, 48)]
    [InlineData(PoolKind.Pool, 512)]
    [InlineData(PoolKind.ThreadPool, 16)]
    [InlineData(PoolKind.ThreadPool, 200)]
    public void A_double_free_is_recognised_by_the_blocks_second_word_whatever_its_first_holds(PoolKind kind, int size)
    {
        // The check reads the second word: the first is where programs write just before a free (see FreeList), and
        // where a stray write after the free lands first. Before, the check read the first word and missed this one.
        using var allocator = PoolAllocators.Create(kind);
        nint keep = allocator.Allocate(size);
        nint block = allocator.Allocate(size);
        *(byte*)block = 1;
        allocator.DeAllocate(block);
        nint link = *(nint*)block;
        *(nint*)block = unchecked((nint)0x0123456789ABCDEF);

        var refused = Assert.Throws<AllocatorMisuseException>(() => allocator.DeAllocate(block));
        Assert.Equal(Diagnostics.MisuseKind.DoubleFree, refused.Kind);

        *(nint*)block = link;  // mended, so the page's list is whole again
        Assert.Equal(block, allocator.Allocate(size));
        Assert.Equal(0, ((nint*)block)[1]);  // handed out: nothing of the free list is left in it
        allocator.DeAllocate(block);
        allocator.DeAllocate(keep);
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }

    [Theory]
    [InlineData(PoolKind.Pool)]
    [InlineData(PoolKind.ThreadPool)]
    public void FreedBlocksAreReusedBeforeNewPagesAreTaken(PoolKind kind)
    {
        using var allocator = PoolAllocators.Create(kind);
        var blocks = new nint[2000];
        for (int i = 0; i < blocks.Length; i++)
            blocks[i] = allocator.Allocate(48);
        long reserved = allocator.ReservedBytes;
        foreach (nint block in blocks)
            allocator.DeAllocate(block);
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < blocks.Length; i++)
                blocks[i] = allocator.Allocate(i % 2 == 0 ? 48 : 40);
            foreach (nint block in blocks)
                allocator.DeAllocate(block);
        }
        Assert.Equal(reserved, allocator.ReservedBytes);
        Assert.True(reserved < 2 * 2000 * 48, $"{reserved} bytes reserved for 96,000 bytes of blocks");
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Theory]
    [InlineData(PoolKind.Pool)]
    [InlineData(PoolKind.ThreadPool)]
    public void PagesEmptiedInOneClassServeAnotherWithoutGarbageCollect(PoolKind kind)
    {
        using var allocator = PoolAllocators.Create(kind);
        var small = new nint[20_000];
        for (int i = 0; i < small.Length; i++)
            small[i] = allocator.Allocate(16);
        long reserved = allocator.ReservedBytes;
        foreach (nint block in small)
            allocator.DeAllocate(block);

        // 320,000 bytes took 80 pages of 16-byte blocks; 1,000 blocks of 256 bytes (15 to a page) need 67 of them.
        // The freed blocks wait on their class's list of recent blocks, so their pages look full to themselves: they are
        // put back on their pages, and the emptied pages found, before the C heap is asked for more.
        var large = new nint[1000];
        for (int i = 0; i < large.Length; i++)
            large[i] = allocator.Allocate(256);
        Assert.Equal(reserved, allocator.ReservedBytes);

        foreach (nint block in large)
            allocator.DeAllocate(block);
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Theory]
    [InlineData(PoolKind.Pool)]
    [InlineData(PoolKind.ThreadPool)]
    public void GarbageCollectKeepsPagesWithLiveBlocks(PoolKind kind)
    {
        using var allocator = PoolAllocators.Create(kind);
        var blocks = new nint[1000];
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i] = allocator.Allocate(32);
            Fill(blocks[i], 32, (byte)i);
        }
        for (int i = 0; i < blocks.Length; i++)
        {
            if (i % 100 != 0)
                allocator.DeAllocate(blocks[i]);
        }
        allocator.GarbageCollect();
        Assert.True(allocator.ReservedBytes > 0);
        Assert.Equal(10 * 32, allocator.NumAllocatedBytes);
        for (int i = 0; i < blocks.Length; i += 100)
        {
            Check(blocks[i], 32, (byte)i);
            allocator.DeAllocate(blocks[i]);
        }
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Fact]
    public void GarbageCollectFromAnotherThreadLeavesTheTrimToThePoolsThread()
    {
        using var allocator = PoolAllocators.Create(PoolKind.Pool);
        var blocks = new nint[3000];
        for (int i = 0; i < blocks.Length; i++)
            blocks[i] = allocator.Allocate(48);
        foreach (nint block in blocks)
            allocator.DeAllocate(block);
        long reserved = allocator.ReservedBytes;

        // What AllocatorManager asks of a pool, from whatever thread it runs on.
        var collector = new Thread(allocator.RequestGarbageCollect);
        collector.Start();
        collector.Join();
        Assert.Equal(reserved, allocator.ReservedBytes);

        // The pool's own thread honours the request the next time it needs a page.
        nint other = allocator.Allocate(200);
        Assert.True(allocator.ReservedBytes < reserved, $"{allocator.ReservedBytes} bytes reserved after the trim, {reserved} before");
        allocator.DeAllocate(other);
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Fact]
    public void SharedInstancesAreRegisteredWithTheirTypeIds()
    {
        Assert.Same(PoolAllocator.Instance, AllocatorInstance<PoolAllocator>.Get());
        Assert.Same(ThreadPoolAllocator.Instance, AllocatorInstance<ThreadPoolAllocator>.Get());
        Assert.Equal("PoolAllocator", PoolAllocator.Instance.Name);
        Assert.Equal("ThreadPoolAllocator", ThreadPoolAllocator.Instance.Name);
        Assert.NotEqual(PoolAllocator.TypeId, ThreadPoolAllocator.TypeId);
        Assert.NotEqual(Guid.Empty, PoolAllocator.TypeId);
        Assert.Equal(PoolSchemaOptions.Default, PoolAllocator.Instance.Options);
        Assert.Contains(ThreadPoolAllocator.Instance, AllocatorManager.Allocators);
        Assert.False(PoolSchema.IsThreadSafe);
        Assert.True(ThreadPoolSchema.IsThreadSafe);
    }

    [Fact]
    public void TheSchemaCanBeUsedOnItsOwn()
    {
        var schema = new PoolSchema(new PoolSchemaOptions { PageSize = 1024, MinAllocationSize = 16, MaxAllocationSize = 128 });
        nint block = schema.Allocate(17, 0);
        Assert.Equal(32, schema.AllocationSize(block));
        Assert.Equal(32, schema.NumAllocatedBytes);
        Assert.Equal(0, block % 16);
        schema.DeAllocate(block, 0, 0);
        Assert.Equal(0, schema.NumAllocatedBytes);
        schema.GarbageCollect();
        Assert.Equal(0, schema.ReservedBytes);
    }

    private static void Fill(nint block, nint length, byte seed)
    {
        var bytes = new Span<byte>((void*)block, (int)length);
        for (int i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)(seed + i);
    }

    private static void Check(nint block, nint length, byte seed)
    {
        var bytes = new ReadOnlySpan<byte>((void*)block, (int)length);
        for (int i = 0; i < bytes.Length; i++)
            Assert.Equal((byte)(seed + i), bytes[i]);
    }
}
