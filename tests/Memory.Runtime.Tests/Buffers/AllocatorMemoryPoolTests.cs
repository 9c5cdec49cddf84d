using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Memory.Buffers;
using Memory.Runtime.Tests.Containers;
using Memory.Runtime.Tests.Tracking;

namespace Memory.Runtime.Tests.Buffers;

/// <summary>
/// The pool's contract. Some tests count the blocks its cache keeps, which a garbage collection requested by
/// any other test would give back, so the class runs alone.
/// </summary>
[Collection(ProcessWideStateCollection.Name)]
public sealed class AllocatorMemoryPoolTests
{
    [Fact]
    public void Rent_of_minus_one_gives_the_default_size()
    {
        using var allocator = new ContainerTestAllocator();
        using var exact = new AllocatorMemoryPool(allocator, defaultBufferSize: 1000, maxCachedBytes: 0);
        using var cached = new AllocatorMemoryPool(allocator, defaultBufferSize: 1000);

        using var exactOwner = exact.Rent();
        Assert.Equal(1000, exactOwner.Memory.Length);
        Assert.Equal(1000, allocator.NumAllocatedBytes);

        // Cached, the default size rounds up to its class like any other.
        using var cachedOwner = cached.Rent();
        Assert.Equal(1024, cachedOwner.Memory.Length);
        Assert.Equal(2024, allocator.NumAllocatedBytes);
    }

    [Fact]
    public void Without_a_cache_a_rented_buffer_has_exactly_the_size_asked_and_its_bytes_go_back_on_dispose()
    {
        using var allocator = new ContainerTestAllocator();
        using var pool = new AllocatorMemoryPool(allocator, maxCachedBytes: 0);

        var small = pool.Rent(10);
        var large = pool.Rent(100_000);
        Assert.Equal(10, small.Memory.Length);
        Assert.Equal(100_000, large.Memory.Length);
        Assert.Equal(100_010, allocator.NumAllocatedBytes);
        Assert.Equal(2, allocator.LiveAllocations);

        large.Memory.Span.Fill(0xAB);
        Assert.All(large.Memory.Span.ToArray(), b => Assert.Equal(0xAB, b));

        small.Dispose();
        large.Dispose();
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.LiveAllocations);
    }

    [Fact]
    public void Sizes_outside_the_pool_limits_are_rejected()
    {
        using var allocator = new ContainerTestAllocator();
        using var pool = new AllocatorMemoryPool(allocator, defaultBufferSize: 64, maxBufferSize: 4096);

        Assert.Equal(4096, pool.MaxBufferSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(4097));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(-2));
        using var largest = pool.Rent(4096);
        using var empty = pool.Rent(0);
        Assert.Equal(0, empty.Memory.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AllocatorMemoryPool(allocator, defaultBufferSize: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AllocatorMemoryPool(allocator, defaultBufferSize: 100, maxBufferSize: 99));
    }

    [Fact]
    public void The_memory_is_unusable_once_its_owner_is_disposed()
    {
        using var allocator = new ContainerTestAllocator();
        using var pool = new AllocatorMemoryPool(allocator);
        var owner = pool.Rent(64);
        Memory<byte> memory = owner.Memory;
        Memory<byte> slice = memory[8..16];

        owner.Dispose();

        Assert.Throws<ObjectDisposedException>(() => owner.Memory);
        Assert.Throws<ObjectDisposedException>(() => memory.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => slice.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => memory.Pin());
    }

    [Fact]
    public void A_second_dispose_is_a_no_op_and_returns_nothing_twice()
    {
        using var allocator = new ContainerTestAllocator();
        using var exact = new AllocatorMemoryPool(allocator, maxCachedBytes: 0);
        using var cached = new AllocatorMemoryPool(allocator);
        var exactOwner = exact.Rent(128);
        var cachedOwner = cached.Rent(128);

        exactOwner.Dispose();
        exactOwner.Dispose();
        cachedOwner.Dispose();
        cachedOwner.Dispose();

        // Kept twice, the cache would hold the block in two slots and hand it to two renters.
        Assert.Equal(128, cached.CachedBytes);
        Assert.Equal(128, allocator.NumAllocatedBytes);
        Assert.Equal(1, allocator.LiveAllocations);
        using var first = cached.Rent(128);
        using var second = cached.Rent(128);
        Assert.NotEqual(Address(first), Address(second));
    }

    [Fact]
    public void A_second_dispose_is_detected_in_checked_mode()
    {
        using var allocator = new ContainerTestAllocator(isChecked: true);
        using var pool = new AllocatorMemoryPool(allocator);
        var owner = pool.Rent(128);

        owner.Dispose();

        Assert.Throws<ObjectDisposedException>(() => owner.Dispose());
        Assert.Equal(0, allocator.LiveAllocations);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(AllocatorMemoryPool.DefaultMaxCachedBytes)]
    public void Racing_disposes_return_the_block_exactly_once(long maxCachedBytes)
    {
        using var allocator = new ContainerTestAllocator();
        using var pool = new AllocatorMemoryPool(allocator, maxCachedBytes: maxCachedBytes);

        for (int round = 0; round < 200; round++)
        {
            var owner = pool.Rent(256);
            using var start = new Barrier(4);
            var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                owner.Dispose();
            })).ToArray();
            foreach (var thread in threads)
                thread.Start();
            foreach (var thread in threads)
                thread.Join();

            // Returned twice, the counts would go negative, or the cache would keep the block twice (more bytes
            // kept than blocks live). A disposing thread may keep the block in slots of its own, where the next
            // rent on this thread does not look, so blocks of earlier rounds may still be kept.
            Assert.Equal(pool.CachedBytes, allocator.NumAllocatedBytes);
            Assert.Equal(pool.CachedBytes, allocator.LiveAllocations * 256);
            Assert.True(maxCachedBytes == 0 ? pool.CachedBytes == 0 : pool.CachedBytes >= 256, $"{pool.CachedBytes} bytes kept");
        }

        // The disposing threads have ended: a collection empties their slots too.
        AllocatorManager.GarbageCollect();
        Assert.Equal(0, pool.CachedBytes);
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.LiveAllocations);
    }

    [Fact]
    public void A_disposed_pool_rents_no_more_but_its_buffers_still_go_back()
    {
        using var allocator = new ContainerTestAllocator();
        var pool = new AllocatorMemoryPool(allocator);
        var owner = pool.Rent(32);

        pool.Dispose();

        Assert.Throws<ObjectDisposedException>(() => pool.Rent(32));
        owner.Memory.Span.Fill(1);
        owner.Dispose();
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }

    [Fact]
    public unsafe void Pinning_gives_the_address_of_the_native_block()
    {
        using var allocator = new ContainerTestAllocator();
        using var pool = new AllocatorMemoryPool(allocator);
        using var owner = pool.Rent(64);

        using var handle = owner.Memory.Pin();
        using var offsetHandle = owner.Memory[10..].Pin();

        nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(owner.Memory.Span));
        Assert.Equal(start, (nint)handle.Pointer);
        Assert.Equal(start + 10, (nint)offsetHandle.Pointer);
        Assert.True(allocator.Records.Mode >= Memory.Tracking.TrackingMode.Counters);
        Assert.False(MemoryMarshal.TryGetArray<byte>(owner.Memory, out _));
    }

    [Fact]
    public async Task Streams_read_into_and_write_from_rented_memory()
    {
        using var allocator = new ContainerTestAllocator();
        using var pool = new AllocatorMemoryPool(allocator);
        byte[] data = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        using var owner = pool.Rent(data.Length);

        int read = await new MemoryStream(data).ReadAsync(owner.Memory);
        var copy = new MemoryStream();
        await copy.WriteAsync(owner.Memory[..read]);

        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public void Rented_blocks_are_recorded_with_the_pool_name_and_the_line_that_created_the_pool()
    {
        using var allocator = new ContainerTestAllocator(isChecked: true);
        using var pool = new AllocatorMemoryPool(allocator, name: "network"); int creationLine = CurrentLine();

        using var owner = pool.Rent(100);

        var record = Assert.Single(allocator.Records.Snapshot());
        Assert.Equal("network", record.Name);
        Assert.Equal(creationLine, record.Line);
    }

    [Fact]
    public void Without_an_allocator_the_process_wide_default_is_used()
    {
        using var pool = new AllocatorMemoryPool();

        Assert.Same(SystemAllocator.Instance, pool.Allocator);
    }

    private static int CurrentLine([CallerLineNumber] int line = 0) => line;

    private static unsafe nint Address(IMemoryOwner<byte> owner)
        => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(owner.Memory.Span));
}
