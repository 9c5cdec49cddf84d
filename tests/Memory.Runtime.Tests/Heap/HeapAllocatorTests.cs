using Memory.Tracking;

namespace Memory.Runtime.Tests.Heap;

public sealed class HeapAllocatorTests
{
    private const long HeapChunkSize = 64 * 1024;

    [Fact]
    public void Every_power_of_two_alignment_up_to_4096_and_beyond_a_chunk_is_honoured()
    {
        using var heap = new HeapAllocator();
        var model = new LiveBlockModel();
        nint[] sizes = [0, 1, 17, 100, 1000, 5000, 8192, 9000, 70_000, 300_000];
        for (nint alignment = 1; alignment <= 256 * 1024; alignment *= 2)
        {
            foreach (nint size in sizes)
            {
                nint block = heap.Allocate(size, alignment);
                model.Add(block, size, alignment, heap.AllocationSize(block));
            }
        }

        foreach (nint block in model.Addresses.ToArray())
        {
            model.Remove(block);
            heap.DeAllocate(block);
        }
        Assert.Equal(0, heap.NumAllocatedBytes);
    }

    [Fact]
    public void Zero_size_blocks_are_distinct_and_freeable()
    {
        using var heap = new HeapAllocator();
        var blocks = Enumerable.Range(0, 100).Select(_ => heap.Allocate(0)).ToArray();

        Assert.DoesNotContain((nint)0, blocks);
        Assert.Equal(blocks.Length, blocks.Distinct().Count());
        Assert.All(blocks, block => Assert.True(heap.AllocationSize(block) >= 0));
        foreach (nint block in blocks)
            heap.DeAllocate(block);
        Assert.Equal(0, heap.NumAllocatedBytes);
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(long.MaxValue / 2)]
    [InlineData(1L << 50)]
    public void A_request_the_OS_cannot_meet_returns_zero(long size)
    {
        using var heap = new HeapAllocator();

        Assert.Equal(0, heap.Allocate((nint)size));
        Assert.Equal(0, heap.Allocate((nint)size, 4096));
        Assert.Equal(0, heap.NumAllocatedBytes);
        Assert.Equal(0, heap.ReservedBytes);
    }

    [Fact]
    public void Hundred_aligned_blocks_are_counted_and_their_pages_return_after_garbage_collect()
    {
        // O3DE's HeapSchema test: 100 blocks of 1000 bytes aligned to 32.
        using var heap = new HeapAllocator();
        var blocks = new nint[100];
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i] = heap.Allocate(1000, 32);
            Assert.NotEqual(0, blocks[i]);
            Assert.Equal(0, blocks[i] % 32);
            Assert.True(heap.AllocationSize(blocks[i]) >= 1000);
        }
        Assert.True(heap.NumAllocatedBytes >= 100_000);
        Assert.True(heap.ReservedBytes >= 100_000);

        foreach (nint block in blocks)
            heap.DeAllocate(block);
        heap.GarbageCollect();

        Assert.True(heap.NumAllocatedBytes < 1024);
        Assert.Equal(0, heap.ReservedBytes);
        Assert.Equal(0, heap.CachedBlocks);
    }

    [Fact]
    public void Pages_return_after_garbage_collect_with_tracking_off()
    {
        using var heap = new HeapAllocator();
        heap.Records.Mode = TrackingMode.None;
        var blocks = Enumerable.Range(0, 5000).Select(i => heap.Allocate(1 + i % 3000)).ToArray();
        nint large = heap.Allocate(1 << 20);
        Assert.True(heap.NumAllocatedBytes >= blocks.Sum(b => (long)heap.AllocationSize(b)));

        foreach (nint block in blocks)
            heap.DeAllocate(block);
        heap.DeAllocate(large);
        Assert.Equal(0, heap.NumAllocatedBytes);
        Assert.NotEqual(0, heap.ReservedBytes); // The calling thread's cache still holds chunks.

        heap.GarbageCollect();
        Assert.Equal(0, heap.ReservedBytes);
    }

    [Fact]
    public unsafe void A_chain_of_reallocations_keeps_the_contents()
    {
        using var heap = new HeapAllocator();
        nint[] sizes = [2048, 1024, 4096, 128, 64, 64, 192, 2048];
        nint block = heap.Allocate(sizes[0]);
        Fill(block, sizes[0]);

        for (int i = 1; i < sizes.Length; i++)
        {
            nint kept = Math.Min(sizes[i - 1], sizes[i]);
            block = heap.ReAllocate(block, sizes[i]);
            Assert.NotEqual(0, block);
            Assert.True(heap.AllocationSize(block) >= sizes[i]);
            for (int b = 0; b < kept; b++)
                Assert.Equal((byte)(b * 7 + 3), ((byte*)block)[b]);
            Fill(block, sizes[i]);
        }

        heap.DeAllocate(block);
        Assert.Equal(0, heap.NumAllocatedBytes);

        static void Fill(nint block, nint size)
        {
            for (int b = 0; b < size; b++)
                ((byte*)block)[b] = (byte)(b * 7 + 3);
        }
    }

    [Fact]
    public void A_reallocation_within_the_size_class_stays_in_place()
    {
        using var heap = new HeapAllocator();
        nint block = heap.Allocate(100);
        Assert.Equal(block, heap.ReAllocate(block, 112));
        nint large = heap.Allocate(100_000);
        Assert.Equal(large, heap.ReAllocate(large, 60_000));
        nint moved = heap.ReAllocate(large, 20_000_000);
        Assert.NotEqual(0, moved);
        Assert.NotEqual(large, moved);
        heap.DeAllocate(block);
        heap.DeAllocate(moved);
        Assert.Equal(0, heap.NumAllocatedBytes);
    }

    [Fact]
    public unsafe void Disposing_returns_free_chunks_and_keeps_live_blocks_valid()
    {
        var heap = new HeapAllocator();
        foreach (nint block in Enumerable.Range(0, 1000).Select(i => heap.Allocate(i % 500)).ToArray())
            heap.DeAllocate(block);
        nint kept = heap.Allocate(64);
        *(long*)kept = 42;

        heap.Dispose();

        Assert.Equal(HeapChunkSize, heap.ReservedBytes);
        Assert.DoesNotContain(heap, AllocatorManager.Allocators);
        Assert.Equal(42, *(long*)kept);
        heap.DeAllocate(kept);
        heap.GarbageCollect();
        Assert.Equal(0, heap.ReservedBytes);
    }

    [Fact]
    public void A_block_of_another_heap_is_refused()
    {
        using var first = new HeapAllocator();
        using var second = new HeapAllocator();
        nint block = first.Allocate(64);

        Assert.Throws<AllocatorMisuseException>(() => second.DeAllocate(block));
        first.DeAllocate(block);
    }

    [Fact]
    public void The_shared_instance_is_a_registered_heap_allocator()
    {
        Assert.Same(HeapAllocator.Instance, AllocatorInstance<HeapAllocator>.Get());
        Assert.Contains(HeapAllocator.Instance, AllocatorManager.Allocators);
        Assert.Equal("Memory.HeapAllocator", HeapAllocator.TypeName);
    }
}
