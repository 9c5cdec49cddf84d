using Memory.Schemas;

namespace Memory.Runtime.Tests.Hpha;

/// <summary>O3DE's HPHA cases and the schema's edges: alignment, zero and huge sizes, reallocation, garbage collection.</summary>
public sealed unsafe class HphaSchemaTests
{
    private const int KiB = 1024;
    private const int MiB = 1024 * 1024;

    public static TheoryData<string, int[], int> SizeSets => new()
    {
        { "small", [2, 16, 20, 59, 100, 128, 160, 250, 300, 512, 1000, KiB], 2 },
        { "small", [2, 16, 20, 59, 100, 128, 160, 250, 300, 512, 1000, KiB], 100 },
        { "big", [KiB + 1, 1500, 2 * KiB, 4 * KiB, 10 * KiB, 64 * KiB, 128 * KiB, 200 * KiB, MiB, 2 * MiB], 2 },
        { "big", [KiB + 1, 1500, 2 * KiB, 4 * KiB, 10 * KiB, 64 * KiB, 128 * KiB, 200 * KiB, MiB, 2 * MiB], 100 },
        { "mixed", [2, KiB, 59, 4 * KiB, 128, 200 * KiB, 250, MiB, 512, 2 * MiB], 2 },
        { "mixed", [2, KiB, 59, 4 * KiB, 128, 200 * KiB, 250, MiB, 512, 2 * MiB], 100 },
    };

    [Theory]
    [MemberData(nameof(SizeSets))]
    public void Allocates_verifies_and_frees_each_size_set(string set, int[] sizes, int perSize)
    {
        _ = set;
        var schema = new HphaSchema();
        var blocks = new List<(nint Pointer, int Size, byte Fill)>();
        for (int i = 0; i < sizes.Length * perSize; i++)
        {
            int size = sizes[i % sizes.Length];
            nint pointer = schema.Allocate(size, 0);
            Assert.NotEqual(0, pointer);
            Assert.True(schema.AllocationSize(pointer) >= size);
            byte fill = (byte)(i * 7 + 1);
            new Span<byte>((void*)pointer, size).Fill(fill);
            blocks.Add((pointer, size, fill));
        }
        Assert.Null(schema.Validate());

        foreach (var (pointer, size, fill) in blocks)
        {
            Assert.Equal(-1, new ReadOnlySpan<byte>((void*)pointer, size).IndexOfAnyExcept(fill));
            schema.DeAllocate(pointer, size, 0);
        }
        Assert.Equal(0, schema.NumAllocatedBytes);
        Assert.Null(schema.Validate());
        schema.GarbageCollect();
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Fact]
    public void Hundred_aligned_blocks_are_counted_and_their_pages_returned()
    {
        using var allocator = new SystemAllocator();
        var pointers = new nint[100];
        for (int i = 0; i < pointers.Length; i++)
        {
            pointers[i] = allocator.Allocate(1000, 32);
            Assert.NotEqual(0, pointers[i]);
            Assert.Equal(0, pointers[i] % 32);
            Assert.True(allocator.AllocationSize(pointers[i]) >= 1000);
        }
        Assert.True(allocator.NumAllocatedBytes >= 100_000, $"NumAllocatedBytes {allocator.NumAllocatedBytes}");
        Assert.True(allocator.ReservedBytes >= allocator.NumAllocatedBytes);

        foreach (nint pointer in pointers)
            allocator.DeAllocate(pointer, 1000, 32);
        allocator.GarbageCollect();

        Assert.True(allocator.NumAllocatedBytes < 1024, $"NumAllocatedBytes {allocator.NumAllocatedBytes}");
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Fact]
    public void Reallocation_chain_keeps_contents()
    {
        using var allocator = new SystemAllocator();
        int[] chain = [2048, 1024, 4096, 128, 64, 64, 192, 2048];
        nint pointer = allocator.Allocate(chain[0]);
        FillCounting(pointer, chain[0]);
        int valid = chain[0];
        foreach (int size in chain.Skip(1))
        {
            pointer = allocator.ReAllocate(pointer, size);
            Assert.NotEqual(0, pointer);
            Assert.True(allocator.AllocationSize(pointer) >= size);
            valid = Math.Min(valid, size);
            AssertCounting(pointer, valid);
            FillCounting(pointer, size);
            valid = size;
        }
        allocator.DeAllocate(pointer);
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }

    [Theory]
    [InlineData(1200, 3000)]    // tree block grows into the free space behind it
    [InlineData(4000, 2000)]    // tree block shrinks, its tail goes back to the tree
    [InlineData(300_000, 400_000)] // big block within its slack or moved
    [InlineData(300_000, 200_000)] // big block to a tree block
    [InlineData(24, 24)]        // same bucket: same block
    public void Reallocation_between_and_within_kinds_keeps_contents(int from, int to)
    {
        var schema = new HphaSchema();
        nint pointer = schema.Allocate(from, 0);
        FillCounting(pointer, from);
        nint moved = schema.ReAllocate(pointer, to, 0);
        Assert.NotEqual(0, moved);
        Assert.True(schema.AllocationSize(moved) >= to);
        AssertCounting(moved, Math.Min(from, to));
        Assert.Equal(schema.AllocationSize(moved), schema.NumAllocatedBytes);
        Assert.Null(schema.Validate());
        schema.DeAllocate(moved, 0, 0);
        Assert.Equal(0, schema.NumAllocatedBytes);
        schema.GarbageCollect();
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Fact]
    public void Tree_block_grows_in_place_when_the_next_block_is_free()
    {
        var schema = new HphaSchema();
        nint pointer = schema.Allocate(2000, 0);
        // A fresh chunk: what follows the first block is one free block, so growing needs no move.
        nint grown = schema.ReAllocate(pointer, 8000, 0);
        Assert.Equal(pointer, grown);
        Assert.True(schema.AllocationSize(grown) >= 8000);
        nint shrunk = schema.ReAllocate(grown, 3000, 0);
        Assert.Equal(pointer, shrunk);
        Assert.True(schema.AllocationSize(shrunk) < 8000);
        Assert.Null(schema.Validate());
        schema.DeAllocate(shrunk, 0, 0);
        schema.GarbageCollect();
        Assert.Equal(0, schema.ReservedBytes);
    }

    public static TheoryData<int> Sizes => [0, 1, 7, 8, 24, 100, 512, 513, 1000, 1024, 1025, 4096, 5000, 65536, 300_000];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Every_power_of_two_alignment_up_to_4096_holds(int size)
    {
        var schema = new HphaSchema();
        var blocks = new List<nint>();
        for (nint alignment = 1; alignment <= 4096; alignment *= 2)
        {
            // Several per alignment, so that blocks after the first in a page or chunk are checked too.
            for (int i = 0; i < 3; i++)
            {
                nint pointer = schema.Allocate(size, alignment);
                Assert.NotEqual(0, pointer);
                Assert.True(pointer % alignment == 0, $"0x{pointer:X} not aligned to {alignment} (size {size})");
                Assert.True(schema.AllocationSize(pointer) >= size);
                new Span<byte>((void*)pointer, size).Fill(0xA5);
                blocks.Add(pointer);
            }
        }
        Assert.Equal(blocks.Count, blocks.Distinct().Count());
        Assert.Null(schema.Validate());
        foreach (nint pointer in blocks)
            schema.DeAllocate(pointer, 0, 0);
        Assert.Equal(0, schema.NumAllocatedBytes);
        schema.GarbageCollect();
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Theory]
    [InlineData(100, 1 << 20)]   // alignment of a whole chunk
    [InlineData(5000, 1 << 22)]  // alignment above a chunk: the header goes one chunk below the pointer
    [InlineData(1 << 20, 1 << 16)]
    public void Alignments_beyond_a_page_are_served_by_big_blocks(int size, int alignment)
    {
        var schema = new HphaSchema();
        nint pointer = schema.Allocate(size, alignment);
        Assert.NotEqual(0, pointer);
        Assert.Equal(0, pointer % alignment);
        Assert.True(schema.AllocationSize(pointer) >= size);
        new Span<byte>((void*)pointer, size).Fill(1);
        nint moved = schema.ReAllocate(pointer, size / 2 + 1, alignment);
        Assert.Equal(0, moved % alignment);
        Assert.Equal(1, ((byte*)moved)[size / 2]);
        schema.DeAllocate(moved, 0, 0);
        Assert.Equal(0, schema.NumAllocatedBytes);
        schema.GarbageCollect();
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Fact]
    public void Zero_size_blocks_are_unique_and_freeable()
    {
        using var allocator = new SystemAllocator();
        nint first = allocator.Allocate(0);
        nint second = allocator.Allocate(0);
        Assert.NotEqual(0, first);
        Assert.NotEqual(0, second);
        Assert.NotEqual(first, second);
        allocator.DeAllocate(first);
        allocator.DeAllocate(second);
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }

    [Theory]
    [InlineData(2L << 40)]      // 2 TiB
    [InlineData(long.MaxValue)]
    public void Huge_requests_return_zero(long size)
    {
        using var allocator = new SystemAllocator();
        Assert.Equal(0, allocator.Allocate((nint)size));
        Assert.Equal(0, allocator.Allocate((nint)size, 4096));
        nint pointer = allocator.Allocate(64);
        new Span<byte>((void*)pointer, 64).Fill(9);
        Assert.Equal(0, allocator.ReAllocate(pointer, (nint)size));
        Assert.Equal(-1, new ReadOnlySpan<byte>((void*)pointer, 64).IndexOfAnyExcept((byte)9));
        allocator.DeAllocate(pointer);
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, new HphaSchema().Allocate(64, (nint)1 << 62));
    }

    [Fact]
    public void Empty_pages_beyond_the_kept_one_go_back_to_the_tree_at_once()
    {
        // No thread cache, so the freed block goes straight to its bucket.
        var schema = new HphaSchema(new HphaOptions { EmptyPagesKeptPerBucket = 0, ThreadCacheBytesPerSize = 0 });
        nint small = schema.Allocate(16, 0);
        schema.DeAllocate(small, 0, 0);
        // With no page kept, the page merged back into the chunk: one free block spans it.
        Assert.Equal(1, schema.FreeBlockCount);
        schema.GarbageCollect();
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Fact]
    public void Options_out_of_range_are_rejected_with_the_option_named()
    {
        Assert.Equal("PageSize", Assert.Throws<ArgumentOutOfRangeException>(() => new HphaSchema(new HphaOptions { PageSize = 3000 })).ParamName);
        Assert.Equal("ChunkSize", Assert.Throws<ArgumentOutOfRangeException>(() => new HphaSchema(new HphaOptions { ChunkSize = 32 * KiB })).ParamName);
        Assert.Equal("ChunkSize", Assert.Throws<ArgumentOutOfRangeException>(() => new HphaSchema(new HphaOptions { ChunkSize = 8 * MiB })).ParamName);
        Assert.Equal("ChunkSize", Assert.Throws<ArgumentOutOfRangeException>(() => new HphaSchema(new HphaOptions { ChunkSize = 3 * MiB / 2 })).ParamName);
        Assert.Equal("BigBlockThreshold", Assert.Throws<ArgumentOutOfRangeException>(() => new HphaSchema(new HphaOptions { BigBlockThreshold = MiB })).ParamName);
        Assert.Equal("EmptyPagesKeptPerBucket", Assert.Throws<ArgumentOutOfRangeException>(() => new HphaSchema(new HphaOptions { EmptyPagesKeptPerBucket = -1 })).ParamName);
        Assert.Throws<ArgumentNullException>(() => new SystemAllocator(null!));
    }

    [Fact]
    public void The_page_map_tells_every_page_of_a_chunk_of_256_pages_apart()
    {
        // 4 KiB pages in 1 MiB chunks: the map's every entry is in use once the first chunk is full of 1 KiB blocks.
        const int chunkSize = 1024 * KiB;
        var schema = new HphaSchema(new HphaOptions { PageSize = 4 * KiB, ChunkSize = chunkSize, ThreadCacheBytesPerSize = 0 });
        var blocks = new List<nint>();
        while (schema.ReservedBytes <= chunkSize)
            blocks.Add(schema.Allocate(1024, 0));

        // The highest page a bucket can have is the one before the last, which ends in the chunk's back fence.
        Assert.Contains(blocks, block => (block & (chunkSize - 1)) >= chunkSize - 8 * KiB);
        Assert.All(blocks, block => Assert.Equal(1024, schema.AllocationSize(block)));
        foreach (nint block in blocks)
            schema.DeAllocate(block, 1024, 0);

        // A big block aligned to a whole chunk sits one region above its header: its map entry is the one past the
        // chunk's last page, which big blocks keep at zero like the rest of their map.
        nint aligned = schema.Allocate(300 * KiB, chunkSize);
        Assert.Equal(0, aligned & (chunkSize - 1));
        Assert.True(schema.AllocationSize(aligned) >= 300 * KiB);
        schema.DeAllocate(aligned, 300 * KiB, chunkSize);

        schema.GarbageCollect();
        Assert.Equal(0, schema.ReservedBytes);
    }

    // The second case fills the page map: 256 pages to a chunk.
    [Theory]
    [InlineData(64, 16)]
    [InlineData(1024, 256)]
    public void Small_pages_and_chunks_other_than_the_defaults_work(int chunkKiB, int bigBlockThresholdKiB)
    {
        var options = new HphaOptions { PageSize = 4 * KiB, ChunkSize = chunkKiB * KiB, BigBlockThreshold = bigBlockThresholdKiB * KiB, EmptyPagesKeptPerBucket = 0 };
        using var allocator = new SystemAllocator(options);
        Assert.Same(options, allocator.Options);
        var result = Testing.ModelCheck.Run(allocator, seed: 7, operations: 50_000, new Testing.ModelCheckOptions
        {
            NextSize = static r => r.Next(4) switch { 0 => r.Next(0, 1025), 1 => r.Next(1025, 4097), 2 => r.Next(4097, 16 * KiB + 1), _ => r.Next(16 * KiB, 100 * KiB) },
            NextAlignment = static r => r.Next(3) == 0 ? (nint)1 << r.Next(0, 13) : 0,
            DefaultAlignment = HphaSchema.DefaultAlignment,
            MaxLiveBlocks = 300,
        });
        Assert.True(result.Frees > 10_000);
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.ReservedBytes);
    }

    private static void FillCounting(nint pointer, int count)
    {
        var span = new Span<byte>((void*)pointer, count);
        for (int i = 0; i < span.Length; i++)
            span[i] = (byte)(i * 13 + 5);
    }

    private static void AssertCounting(nint pointer, int count)
    {
        var span = new ReadOnlySpan<byte>((void*)pointer, count);
        for (int i = 0; i < span.Length; i++)
        {
            if (span[i] != (byte)(i * 13 + 5))
                Assert.Fail($"byte {i} of {count} lost: {span[i]}");
        }
    }
}
