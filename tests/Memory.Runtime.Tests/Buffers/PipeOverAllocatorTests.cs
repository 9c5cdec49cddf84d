using System.Buffers;
using System.IO.Pipelines;
using Memory.Buffers;
using Memory.Runtime.Tests.Containers;

namespace Memory.Runtime.Tests.Buffers;

/// <summary>
/// A real <see cref="Pipe"/> whose segments come from our pool. A pipe asks its pool for a segment when
/// the writer needs room and disposes the segment's owner once the reader has consumed it (or when both
/// ends complete); the segment objects it keeps for reuse hold no memory of their own. So after both ends
/// complete, the allocator must be back to zero while the pipe object is still alive (the allocators in
/// checked mode make the pool keep nothing; with its cache, once the pool is disposed).
/// </summary>
public sealed class PipeOverAllocatorTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData(8, 4096)]
    [InlineData(32, 16 * 1024)]
    public async Task Megabytes_pass_through_a_pipe_on_our_memory_and_every_byte_comes_back(int megabytes, int segmentSize)
    {
        using var allocator = new ContainerTestAllocator(isChecked: true);
        using var pool = new AllocatorMemoryPool(allocator);
        var pipe = new Pipe(new PipeOptions(pool: pool, minimumSegmentSize: segmentSize,
            pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
        long total = (long)megabytes << 20;

        var writing = WriteAsync(pipe.Writer, total, seed: megabytes);
        var reading = ReadAndVerifyAsync(pipe.Reader);
        await Task.WhenAll(writing, reading).WaitAsync(HangGuard);

        Assert.Equal(total, await reading);
        // The pool was really used, and back-pressure kept only a bounded amount in flight.
        Assert.True(allocator.Records.TotalAllocations > total / (1 << 20), $"{allocator.Records.TotalAllocations} rents");
        Assert.True(allocator.Records.PeakBytes < 4 << 20, $"peak {allocator.Records.PeakBytes} bytes");
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.LiveAllocations);
        Assert.Empty(allocator.Records.Snapshot());
        GC.KeepAlive(pipe);
    }

    [Fact]
    public async Task Data_left_unread_goes_back_when_both_ends_complete()
    {
        using var allocator = new ContainerTestAllocator(isChecked: true);
        using var pool = new AllocatorMemoryPool(allocator);
        var pipe = new Pipe(new PipeOptions(pool: pool, minimumSegmentSize: 4096, pauseWriterThreshold: 0, useSynchronizationContext: false));

        await WriteAsync(pipe.Writer, 3 << 20, seed: 7).WaitAsync(HangGuard);
        Assert.True(allocator.NumAllocatedBytes >= 3 << 20);

        ReadResult result = await pipe.Reader.ReadAsync();
        pipe.Reader.AdvanceTo(result.Buffer.GetPosition(12345));
        Assert.True(allocator.NumAllocatedBytes > 0);
        await pipe.Reader.CompleteAsync();

        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.LiveAllocations);
        GC.KeepAlive(pipe);
    }

    [Fact]
    public async Task Through_the_pools_cache_every_byte_arrives_and_disposing_the_pool_gives_every_block_back()
    {
        // Not in checked mode, so segments are kept and reused across the writer's and the reader's threads.
        using var allocator = new ContainerTestAllocator();
        var pool = new AllocatorMemoryPool(allocator);
        var counting = new CountingPool(pool);
        // Back-pressure at 256 KiB keeps what is in flight within what the cache may keep.
        var pipe = new Pipe(new PipeOptions(pool: counting, minimumSegmentSize: 4096,
            pauseWriterThreshold: 256 << 10, resumeWriterThreshold: 128 << 10, useSynchronizationContext: false));
        long total = 16L << 20;

        var writing = WriteAsync(pipe.Writer, total, seed: 3);
        var reading = ReadAndVerifyAsync(pipe.Reader);
        await Task.WhenAll(writing, reading).WaitAsync(HangGuard);

        Assert.Equal(total, await reading);
        // Reuse: far fewer blocks came from the allocator than the pipe rented (without the cache, as many). How many rents
        // a cache serves depends on which pool threads the pipe's continuations land on: on two busy cores one run in
        // about ten served only 74 %, so the bound is half.
        Assert.True(counting.Rents > 200, $"{counting.Rents} rents");
        Assert.True(allocator.Records.TotalAllocations * 2 < counting.Rents,
            $"{allocator.Records.TotalAllocations} allocations for {counting.Rents} rents");
        pool.Dispose();
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.LiveAllocations);
        GC.KeepAlive(pipe);
    }

    /// <summary>The byte at absolute position <paramref name="position"/> of the stream: not periodic at 256.</summary>
    private static byte PatternAt(long position) => (byte)(position ^ (position >> 8) ^ (position >> 16) ^ (position >> 24));

    private static async Task WriteAsync(PipeWriter writer, long total, int seed)
    {
        var random = new Random(seed);
        long position = 0;
        int writesSinceFlush = 0;
        while (position < total)
        {
            int size = (int)Math.Min(random.Next(1, 64 * 1024), total - position);
            Memory<byte> memory = writer.GetMemory(size);
            Fill(memory.Span[..size], position);
            writer.Advance(size);
            position += size;
            if (++writesSinceFlush == 4 || position == total)
            {
                writesSinceFlush = 0;
                await writer.FlushAsync();
            }
        }
        await writer.CompleteAsync();
    }

    private static async Task<long> ReadAndVerifyAsync(PipeReader reader)
    {
        long position = 0;
        while (true)
        {
            ReadResult result = await reader.ReadAsync();
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                long mismatch = FirstMismatch(segment.Span, position);
                if (mismatch >= 0)
                    throw new InvalidDataException($"Byte {mismatch} of the stream is wrong.");
                position += segment.Length;
            }
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
                break;
        }
        await reader.CompleteAsync();
        return position;
    }

    private static void Fill(Span<byte> span, long position)
    {
        for (int i = 0; i < span.Length; i++)
            span[i] = PatternAt(position + i);
    }

    private static long FirstMismatch(ReadOnlySpan<byte> span, long position)
    {
        for (int i = 0; i < span.Length; i++)
        {
            if (span[i] != PatternAt(position + i))
                return position + i;
        }
        return -1;
    }

    /// <summary>Counts the pipe's rents (one thread rents: the writer's).</summary>
    private sealed class CountingPool(MemoryPool<byte> inner) : MemoryPool<byte>
    {
        public int Rents;

        public override int MaxBufferSize => inner.MaxBufferSize;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
        {
            Interlocked.Increment(ref Rents);
            return inner.Rent(minBufferSize);
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
