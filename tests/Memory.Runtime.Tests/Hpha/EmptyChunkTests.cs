using System.Diagnostics;
using Memory.Schemas;

namespace Memory.Runtime.Tests.Hpha;

/// <summary>Chunks that no longer hold a block go back to the OS by policy, not only on garbage collection.</summary>
public sealed class EmptyChunkTests
{
    private const int MiB = 1024 * 1024;

    // 8 KiB blocks are tree blocks outside every thread cache class: each free reaches the tree at once.
    private const int BlockSize = 8 * 1024;

    [Fact]
    public void With_no_retention_a_heap_freed_of_its_blocks_returns_its_chunks_at_once()
    {
        var schema = new HphaSchema(new HphaOptions { EmptyChunkRetention = TimeSpan.Zero });
        List<nint> blocks = AllocateTreeBlocks(schema, 24 * MiB);
        long peak = schema.ReservedBytes;
        Assert.True(peak >= 24 * MiB, $"{peak} reserved for 24 MiB of blocks");

        FreeAll(schema, blocks);

        // The quick lists keep the last few freed blocks of a size (at most four): they pin at most that many chunks.
        Assert.True(schema.ReservedBytes <= 4 * MiB, $"{schema.ReservedBytes} still reserved of a peak of {peak}");
        Assert.Equal(0, schema.EmptyChunkCount);
        Assert.Null(schema.Validate());
        schema.GarbageCollect();
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Fact]
    public void With_infinite_retention_chunks_stay_until_garbage_collection()
    {
        var schema = new HphaSchema(new HphaOptions { EmptyChunkRetention = Timeout.InfiniteTimeSpan });
        List<nint> blocks = AllocateTreeBlocks(schema, 8 * MiB);
        long peak = schema.ReservedBytes;

        FreeAll(schema, blocks);
        Churn(schema, 1000);

        Assert.Equal(peak, schema.ReservedBytes);
        Assert.True(schema.EmptyChunkCount >= 4, $"{schema.EmptyChunkCount} empty chunks");
        Assert.Null(schema.Validate());
        schema.GarbageCollect();
        Assert.Equal(0, schema.ReservedBytes);
        Assert.Equal(0, schema.EmptyChunkCount);
    }

    [Fact]
    public void Empty_chunks_are_reused_within_the_retention_and_returned_after_it()
    {
        var retention = TimeSpan.FromMilliseconds(400);
        var schema = new HphaSchema(new HphaOptions { EmptyChunkRetention = retention });
        List<nint> blocks = AllocateTreeBlocks(schema, 8 * MiB);
        long peak = schema.ReservedBytes;

        var sinceFreed = Stopwatch.StartNew();
        FreeAll(schema, blocks);
        Churn(schema, 1000);
        long afterFree = schema.ReservedBytes;
        int emptyAfterFree = schema.EmptyChunkCount;

        // Only a stalled machine would take longer than the retention to get here; then there is nothing to check.
        if (sinceFreed.Elapsed < retention)
        {
            Assert.Equal(peak, afterFree);
            Assert.True(emptyAfterFree >= 4, $"{emptyAfterFree} empty chunks");

            // Allocating the same again reuses the kept chunks: the heap does not grow.
            blocks = AllocateTreeBlocks(schema, 8 * MiB);
            Assert.Equal(peak, schema.ReservedBytes);
            Assert.Equal(0, schema.EmptyChunkCount);
            FreeAll(schema, blocks);
        }

        Thread.Sleep(retention + TimeSpan.FromMilliseconds(100));
        Churn(schema, 1000);  // the heap looks for due chunks as it works, every few hundred calls

        Assert.True(schema.ReservedBytes <= 2 * MiB, $"{schema.ReservedBytes} still reserved of a peak of {peak}");
        Assert.Null(schema.Validate());
    }

    [Fact]
    public void Held_blocks_shrink_with_the_bytes_in_use()
    {
        // Many sizes freed in random order: while the heap is large the quick lists take blocks from every chunk.
        var schema = new HphaSchema(new HphaOptions { EmptyChunkRetention = Timeout.InfiniteTimeSpan });
        List<nint> blocks = AllocateMixedTreeBlocks(schema, 16 * MiB, new Random(7));

        int half = blocks.Count / 2;
        FreeAll(schema, blocks.GetRange(0, half));
        long heldAtHalf = schema.HeldTreeBytes;
        Assert.True(heldAtHalf > 256 * 1024, $"{heldAtHalf} bytes held at half the peak: the lists did not fill, the test shows nothing");

        FreeAll(schema, blocks.GetRange(half, blocks.Count - half));

        // What is held is at most an eighth of the bytes in use plus 64 KiB: with nothing in use, the allowance.
        Assert.InRange(schema.HeldTreeBytes, 0, 64 * 1024);
        Assert.Null(schema.Validate());
    }

    [Fact]
    public void Held_blocks_are_merged_back_after_the_retention_so_their_chunks_can_empty()
    {
        var retention = TimeSpan.FromMilliseconds(200);
        var schema = new HphaSchema(new HphaOptions { EmptyChunkRetention = retention });
        List<nint> blocks = AllocateMixedTreeBlocks(schema, 16 * MiB, new Random(11));
        long peak = schema.ReservedBytes;

        FreeAll(schema, blocks);
        Assert.True(schema.HeldTreeBytes > 0, "no block held: the test shows nothing");

        // One retention for the held blocks to be merged back (their chunks empty then), one more for the chunks.
        for (int round = 0; round < 2; round++)
        {
            Thread.Sleep(retention + TimeSpan.FromMilliseconds(50));
            Churn(schema, 1000);
        }

        Assert.True(schema.ReservedBytes <= 2 * MiB, $"{schema.ReservedBytes} still reserved of a peak of {peak}");
        Assert.Null(schema.Validate());
    }

    [Fact]
    public void Every_block_freed_twice_after_the_heap_emptied_is_reported()
    {
        // Once a chunk has gone back to the OS a free into it cannot be checked; the default retention keeps the chunks
        // of a heap that has just emptied mapped, so the usual double free (soon after the first) is caught. Most of
        // these blocks were merged into the free block in front of them when first freed: their headers lie inside it.
        var schema = new HphaSchema(HphaOptions.Default);
        List<nint> blocks = AllocateTreeBlocks(schema, 4 * MiB);
        FreeAll(schema, blocks);
        Assert.True(schema.EmptyChunkCount >= 2, $"{schema.EmptyChunkCount} empty chunks: the test shows nothing");

        foreach (nint block in blocks)
        {
            var misuse = Assert.Throws<AllocatorMisuseException>(() => schema.DeAllocate(block, 0, 0));
            Assert.Equal(Memory.Diagnostics.MisuseKind.DoubleFree, misuse.Kind);
        }
        Assert.Null(schema.Validate());
    }

    [Fact]
    public void A_negative_retention_other_than_infinite_is_refused()
    {
        var options = new HphaOptions { EmptyChunkRetention = TimeSpan.FromMilliseconds(-2) };
        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(nameof(HphaOptions.EmptyChunkRetention), error.ParamName);
        new HphaOptions { EmptyChunkRetention = Timeout.InfiniteTimeSpan }.Validate();
    }

    private static List<nint> AllocateTreeBlocks(HphaSchema schema, long bytes)
    {
        var blocks = new List<nint>();
        for (long total = 0; total < bytes; total += BlockSize)
        {
            nint block = schema.Allocate(BlockSize, 0);
            Assert.NotEqual(0, block);
            blocks.Add(block);
        }
        return blocks;
    }

    private static List<nint> AllocateMixedTreeBlocks(HphaSchema schema, long bytes, Random random)
    {
        var blocks = new List<nint>();
        for (long total = 0; total < bytes;)
        {
            int size = random.Next(1600, 8193);
            nint block = schema.Allocate(size, 0);
            Assert.NotEqual(0, block);
            blocks.Add(block);
            total += size;
        }
        Shuffle(blocks, random);
        return blocks;
    }

    private static void FreeAll(HphaSchema schema, List<nint> blocks)
    {
        foreach (nint block in blocks)
            schema.DeAllocate(block, 0, 0);
    }

    // Calls that reach the tree heap: an allocation and a free of a tree block each take its lock.
    private static void Churn(HphaSchema schema, int pairs)
    {
        for (int i = 0; i < pairs; i++)
            schema.DeAllocate(schema.Allocate(BlockSize, 0), 0, 0);
    }

    private static void Shuffle(List<nint> list, Random random)
    {
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
