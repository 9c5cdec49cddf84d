using Memory.Schemas;

namespace Memory.Runtime.Tests.Hpha;

/// <summary>Freed big blocks kept for reuse: reused, never beyond the peak, bounded, returned by garbage collection.</summary>
public sealed unsafe class BigBlockCacheTests
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public void A_freed_big_block_is_reused_by_the_next_request_it_fits()
    {
        var schema = new HphaSchema();
        nint first = schema.Allocate(MiB, 0);
        long reserved = schema.ReservedBytes;
        schema.DeAllocate(first, 0, 0);
        Assert.Equal(0, schema.NumAllocatedBytes);
        Assert.Equal(reserved, schema.ReservedBytes);

        nint second = schema.Allocate(MiB - 4096, 0);
        Assert.Equal(first, second);
        Assert.Equal(reserved, schema.ReservedBytes);
        Assert.Equal(schema.AllocationSize(second), schema.NumAllocatedBytes);
        new Span<byte>((void*)second, MiB - 4096).Fill(3);

        schema.DeAllocate(second, 0, 0);
        schema.GarbageCollect();
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Fact]
    public void Kept_blocks_never_raise_what_is_reserved_above_the_peak()
    {
        var schema = new HphaSchema();
        // Two passes of different sizes: the second fits nothing kept, so kept blocks go back first.
        long peak = 0;
        foreach (int size in new[] { MiB, 3 * MiB, 2 * MiB, 8 * MiB })
        {
            var blocks = new List<nint>();
            for (int i = 0; i < 4; i++)
            {
                blocks.Add(schema.Allocate(size, 0));
                peak = Math.Max(peak, schema.NumAllocatedBytes);
                Assert.True(schema.ReservedBytes <= peak + 8 * MiB + 4 * 4096 + size,
                    $"{schema.ReservedBytes} reserved at a peak of {peak} live");
            }
            foreach (nint block in blocks)
                schema.DeAllocate(block, 0, 0);
        }
        Assert.Equal(0, schema.NumAllocatedBytes);
        schema.GarbageCollect();
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Fact]
    public void The_cache_holds_no_more_than_its_size_and_none_when_off()
    {
        var capped = new HphaSchema(new HphaOptions { BigBlockCacheSize = 3 * MiB });
        var off = new HphaSchema(new HphaOptions { BigBlockCacheSize = 0 });
        foreach (HphaSchema schema in new[] { capped, off })
        {
            var blocks = new List<nint>();
            for (int i = 0; i < 8; i++)
                blocks.Add(schema.Allocate(MiB, 0));
            foreach (nint block in blocks)
                schema.DeAllocate(block, 0, 0);
        }
        Assert.InRange(capped.ReservedBytes, 2 * MiB, 3 * MiB);
        Assert.Equal(0, off.ReservedBytes);
        capped.GarbageCollect();
        Assert.Equal(0, capped.ReservedBytes);
    }

    [Fact]
    public void Aligned_requests_reuse_kept_blocks_at_their_alignment()
    {
        var schema = new HphaSchema();
        nint plain = schema.Allocate(2 * MiB, 0);
        schema.DeAllocate(plain, 0, 0);
        nint aligned = schema.Allocate(MiB, 64 * 1024);
        Assert.Equal(0, aligned % (64 * 1024));
        Assert.True(schema.AllocationSize(aligned) >= MiB);
        new Span<byte>((void*)aligned, MiB).Fill(7);
        schema.DeAllocate(aligned, 0, 0);
        Assert.Equal(0, schema.NumAllocatedBytes);
        schema.GarbageCollect();
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Fact]
    public void A_negative_cache_size_is_rejected()
        => Assert.Equal("BigBlockCacheSize", Assert.Throws<ArgumentOutOfRangeException>(() => new HphaSchema(new HphaOptions { BigBlockCacheSize = -1 })).ParamName);
}
