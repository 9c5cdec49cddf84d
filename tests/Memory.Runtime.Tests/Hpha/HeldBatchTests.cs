using Memory.Diagnostics;
using Memory.Runtime.Tests.Testing;
using Memory.Schemas;

namespace Memory.Runtime.Tests.Hpha;

/// <summary>
/// The batches a small-block bucket holds between thread caches: a list one thread's cache flushes is the next
/// refill of another's, whole; held blocks are neither live nor cached, a free of one is a double free, and garbage
/// collection puts them back on their pages.
/// </summary>
public sealed class HeldBatchTests
{
    // 4 KiB per size: 64-byte lists start at 16 blocks and grow to 64, so a flush moves 8 to 32 blocks.
    private static readonly HphaOptions Cached = new() { ThreadCacheBytesPerSize = 4096 };
    private const int Size = 64;
    private const int Blocks = 2_000;

    [Fact]
    public void Blocks_freed_on_one_thread_are_held_whole_and_refill_another_threads_cache()
    {
        var schema = new HphaSchema(Cached);
        nint[] produced = SchemaBlocks.Allocate(schema, Size, Blocks);
        var addresses = produced.ToHashSet();

        OnThread.Run(() => SchemaBlocks.Free(schema, produced));

        // The consumer's cache flushed its full lists into the bucket; whatever it still caches is not held.
        int held = schema.HeldSmallBlocks;
        Assert.InRange(held, 1, HeldBound);
        Assert.Equal(0, schema.NumAllocatedBytes);

        // Once this thread's own list runs dry, its refills take the held batches whole, before any block from a page:
        // blocks the other thread freed.
        int ownLeft = schema.CallingThreadCachedBlocks;
        nint[] again = SchemaBlocks.Allocate(schema, Size, ownLeft + held);
        Assert.Equal(0, schema.HeldSmallBlocks);
        Assert.Equal(0, schema.CallingThreadCachedBlocks);
        Assert.All(again.Skip(ownLeft), block => Assert.Contains(block, addresses));
        Assert.Equal((long)again.Length * Size, schema.NumAllocatedBytes);

        SchemaBlocks.Free(schema, again);
        schema.GarbageCollect();
        Assert.Equal(0, schema.NumAllocatedBytes);
        Assert.Null(schema.Validate());
    }

    [Fact]
    public void Freeing_a_held_block_again_is_a_double_free_and_changes_nothing()
    {
        var schema = new HphaSchema(Cached);
        nint[] produced = SchemaBlocks.Allocate(schema, Size, Blocks);
        // Every tenth block stays live, so no page empties: each freed block is then held, cached or on its page's list.
        nint[] anchors = produced.Where((_, i) => i % 10 == 0).ToArray();
        nint[] freed = produced.Where((_, i) => i % 10 != 0).ToArray();
        OnThread.Run(() => SchemaBlocks.Free(schema, freed));
        int held = schema.HeldSmallBlocks;
        Assert.True(held > 0);

        foreach (nint block in freed)
        {
            var misuse = Assert.Throws<AllocatorMisuseException>(() => schema.DeAllocate(block, 0, 0));
            Assert.Equal(MisuseKind.DoubleFree, misuse.Kind);
        }
        Assert.Equal(held, schema.HeldSmallBlocks);
        Assert.Equal((long)anchors.Length * Size, schema.NumAllocatedBytes);
        SchemaBlocks.Free(schema, anchors);
        Assert.Equal(0, schema.NumAllocatedBytes);
    }

    [Fact]
    public void Garbage_collection_puts_held_blocks_back_on_their_pages_and_returns_the_memory()
    {
        var schema = new HphaSchema(Cached);
        nint[] produced = SchemaBlocks.Allocate(schema, Size, Blocks);
        OnThread.Run(() => SchemaBlocks.Free(schema, produced));
        Assert.True(schema.HeldSmallBlocks > 0);

        schema.GarbageCollect();

        Assert.Equal(0, schema.HeldSmallBlocks);
        Assert.Equal(0, schema.NumAllocatedBytes);
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Fact]
    public void A_producer_and_a_consumer_at_once_keep_the_contents_and_the_counts_exact()
    {
        var schema = new HphaSchema(Cached);
        var handOver = new System.Collections.Concurrent.BlockingCollection<nint[]>(boundedCapacity: 8);
        Exception? producerFailure = null, consumerFailure = null;
        int corrupted = 0;
        var producer = new Thread(() => producerFailure = Record.Exception(() =>
        {
            for (int round = 0; round < 200; round++)
            {
                nint[] batch = SchemaBlocks.Allocate(schema, Size, 100);
                foreach (nint block in batch)
                    Fill(block, (byte)round);
                handOver.Add(batch);
            }
            handOver.CompleteAdding();
        }));
        var consumer = new Thread(() => consumerFailure = Record.Exception(() =>
        {
            foreach (nint[] batch in handOver.GetConsumingEnumerable())
            {
                foreach (nint block in batch)
                {
                    if (!IsFilledAlike(block))
                        corrupted++;
                }
                SchemaBlocks.Free(schema, batch);
            }
        }));
        producer.Start();
        consumer.Start();
        Assert.True(producer.Join(TimeSpan.FromMinutes(1)) && consumer.Join(TimeSpan.FromMinutes(1)));

        Assert.Null(producerFailure);
        Assert.Null(consumerFailure);
        Assert.Equal(0, corrupted);
        Assert.Equal(0, schema.NumAllocatedBytes);
        schema.GarbageCollect();
        Assert.Equal(0, schema.HeldSmallBlocks);
        Assert.Equal(0, schema.ReservedBytes);
        Assert.Null(schema.Validate());
    }

    // Four batches of at most half a 64-block list.
    private const int HeldBound = 4 * 32;

    private static unsafe void Fill(nint block, byte value) => new Span<byte>((void*)block, Size).Fill(value);

    private static unsafe bool IsFilledAlike(nint block)
        => new ReadOnlySpan<byte>((void*)block, Size).IndexOfAnyExcept(*(byte*)block) < 0;
}
