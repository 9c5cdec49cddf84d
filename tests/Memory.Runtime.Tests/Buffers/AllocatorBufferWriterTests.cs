using System.Text.Json;
using Memory.Buffers;
using Memory.Runtime.Tests.Containers;

namespace Memory.Runtime.Tests.Buffers;

public sealed class AllocatorBufferWriterTests
{
    private sealed record Sample(string Name, int[] Values, Dictionary<string, double> Weights);

    [Fact]
    public void Utf8JsonWriter_writes_the_same_bytes_as_into_a_managed_array()
    {
        var sample = new Sample("native", Enumerable.Range(0, 2000).ToArray(),
            Enumerable.Range(0, 100).ToDictionary(i => $"w{i}", i => i / 7.0));
        byte[] expected = JsonSerializer.SerializeToUtf8Bytes(sample);
        using var allocator = new ContainerTestAllocator();
        using var writer = new AllocatorBufferWriter(allocator: allocator);

        using (var json = new Utf8JsonWriter(writer))
            JsonSerializer.Serialize(json, sample);

        Assert.Equal(expected, writer.WrittenSpan.ToArray());
        Assert.Equal(expected.Length, writer.WrittenCount);
        Assert.Equal(writer.Capacity, allocator.NumAllocatedBytes);
    }

    [Fact]
    public void Growth_goes_through_ReAllocate_and_keeps_what_was_written()
    {
        using var inner = new MovingTestAllocator();
        var spy = new SpyAllocator(inner);
        using var writer = new AllocatorBufferWriter(allocator: spy);

        for (int i = 0; i < 10_000; i++)
        {
            var span = writer.GetSpan(3);
            span[0] = (byte)i;
            span[1] = (byte)(i >> 8);
            span[2] = 0x5A;
            writer.Advance(3);
        }

        Assert.Equal(1, spy.Allocations);
        Assert.True(spy.ReAllocations >= 6);
        var written = writer.WrittenSpan;
        for (int i = 0; i < 10_000; i++)
        {
            Assert.Equal((byte)i, written[i * 3]);
            Assert.Equal((byte)(i >> 8), written[i * 3 + 1]);
            Assert.Equal(0x5A, written[i * 3 + 2]);
        }
    }

    [Fact]
    public void Size_hints_are_honoured_and_zero_still_gives_room()
    {
        using var allocator = new ContainerTestAllocator();
        using var writer = new AllocatorBufferWriter(allocator: allocator);

        Assert.Equal(0, writer.Capacity);
        Assert.False(writer.GetSpan().IsEmpty);
        Assert.True(writer.GetMemory(10_000).Length >= 10_000);
        Assert.True(writer.GetSpan(50_000).Length >= 50_000);
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.GetSpan(-1));
    }

    [Fact]
    public void Advancing_past_the_block_or_backwards_throws()
    {
        using var allocator = new ContainerTestAllocator();
        using var writer = new AllocatorBufferWriter(initialCapacity: 16, allocator: allocator);

        writer.Advance(10);
        Assert.Throws<InvalidOperationException>(() => writer.Advance(7));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(-1));
        writer.Advance(6);
        Assert.Equal(16, writer.WrittenCount);
        Assert.Equal(0, writer.FreeCapacity);
    }

    [Fact]
    public void Memory_handed_out_before_the_block_moved_throws_instead_of_reaching_freed_memory()
    {
        using var allocator = new MovingTestAllocator();
        using var writer = new AllocatorBufferWriter(initialCapacity: 16, allocator: allocator);
        Memory<byte> before = writer.GetMemory(8);
        before.Span[0] = 42;
        writer.Advance(1);
        ReadOnlyMemory<byte> writtenBefore = writer.WrittenMemory;

        writer.GetMemory(1000);

        Assert.Throws<ObjectDisposedException>(() => before.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => writtenBefore.Span.Length);
        Assert.Equal(42, writer.WrittenMemory.Span[0]);
    }

    [Fact]
    public async Task WrittenMemory_goes_to_a_stream()
    {
        using var allocator = new ContainerTestAllocator();
        using var writer = new AllocatorBufferWriter(allocator: allocator);
        byte[] data = Enumerable.Range(0, 3000).Select(i => (byte)(i % 251)).ToArray();
        data.CopyTo(writer.GetSpan(data.Length));
        writer.Advance(data.Length);

        var stream = new MemoryStream();
        await stream.WriteAsync(writer.WrittenMemory);

        Assert.Equal(data, stream.ToArray());
    }

    [Fact]
    public void ResetWrittenCount_keeps_the_block()
    {
        using var allocator = new ContainerTestAllocator();
        using var writer = new AllocatorBufferWriter(allocator: allocator);
        writer.GetSpan(100);
        writer.Advance(100);
        int capacity = writer.Capacity;

        writer.ResetWrittenCount();

        Assert.Equal(0, writer.WrittenCount);
        Assert.Equal(capacity, writer.Capacity);
        Assert.Equal(capacity, allocator.NumAllocatedBytes);
    }

    [Fact]
    public void Dispose_returns_the_block_and_use_after_dispose_throws()
    {
        using var allocator = new ContainerTestAllocator(isChecked: true);
        var writer = new AllocatorBufferWriter(allocator: allocator);
        writer.GetSpan(1000);
        writer.Advance(10);
        ReadOnlyMemory<byte> written = writer.WrittenMemory;

        writer.Dispose();

        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.LiveAllocations);
        Assert.Throws<ObjectDisposedException>(() => written.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => writer.GetSpan());
        Assert.Throws<ObjectDisposedException>(() => writer.GetMemory());
        Assert.Throws<ObjectDisposedException>(() => writer.Advance(0));
        Assert.Throws<ObjectDisposedException>(() => writer.WrittenCount);
        Assert.Throws<ObjectDisposedException>(() => writer.WrittenSpan.Length);
        Assert.Throws<ObjectDisposedException>(() => writer.WrittenMemory);
        Assert.Throws<ObjectDisposedException>(() => writer.Dispose());
    }
}
