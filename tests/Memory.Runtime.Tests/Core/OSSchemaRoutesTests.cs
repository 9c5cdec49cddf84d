using System.Runtime.InteropServices;
using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Core;

/// <summary>
/// <see cref="OSSchema"/> calls the C heap directly for small blocks and through NativeMemory for large
/// ones and for reallocation: a block must survive any mix of the two routes.
/// </summary>
public sealed class OSSchemaRoutesTests
{
    private const int Limit = (int)OSSchema.CHeap.DirectCallLimit;

    [Theory]
    [InlineData(100, 200_000)]      // small (direct) grown by realloc past the limit, freed by the other route
    [InlineData(200_000, 100)]      // large shrunk to small: freed directly
    [InlineData(Limit, Limit + 1)]
    [InlineData(Limit + 1, Limit)]
    public void BlocksMovedAcrossTheDirectCallLimitKeepTheirContentsAndFree(int size, int newSize)
        => AssertReallocationKeepsTheBlock(size, alignment: 0, newSize, newAlignment: 0);

    [Fact]
    public void AlignedBlocksOnBothSidesOfTheLimitFree()
    {
        using var allocator = new OSAllocator();
        foreach (nint size in new nint[] { 16, Limit, Limit + 1, 1 << 20 })
        {
            nint block = allocator.Allocate(size, 4096);
            Assert.Equal(0, block % 4096);
            Assert.Equal(size, allocator.AllocationSize(block));
            allocator.DeAllocate(block);
        }
    }

    /// <summary>
    /// A naturally aligned block keeps only its size below it, an over-aligned one its size complemented and the
    /// distance to the C heap's block: reallocation between the two kinds must read each correctly.
    /// </summary>
    [Theory]
    [InlineData(0, 64)]         // natural to over-aligned: moved
    [InlineData(64, 0)]         // over-aligned to natural: moved
    [InlineData(256, 256)]      // over-aligned both sides
    [InlineData(0, 0)]          // natural both sides: realloc in place
    public void ReallocationBetweenNaturalAndOverAlignedBlocksKeepsSizeAlignmentAndContents(int alignment, int newAlignment)
    {
        foreach ((int size, int newSize) in new[] { (40, 3000), (3000, 40), (100, 40 * 1024), (40 * 1024, 100) })
            AssertReallocationKeepsTheBlock(size, alignment, newSize, newAlignment);
    }

    /// <summary>
    /// The schema says its sizes are exact, so the counting path counts requests without reading blocks back: every
    /// block must then report exactly its request, whatever its size, alignment and route.
    /// </summary>
    [Fact]
    public void EveryBlockReportsExactlyItsRequest()
    {
        Assert.True(OSSchema.SizesAreExact);
        var schema = default(OSSchema);
        foreach (nint alignment in new nint[] { 0, 8, 16, 32, 4096 })
        {
            foreach (nint size in new nint[] { 0, 1, 15, 17, 1000, Limit, Limit + 1, 1 << 20 })
            {
                nint block = schema.Allocate(size, alignment);
                Assert.NotEqual(0, block);
                Assert.Equal(size, schema.AllocationSize(block));
                schema.DeAllocate(block, size, alignment);
            }
        }
    }

    /// <summary>
    /// Reallocates a block filled with random bytes and checks what survives: the contents, the new size and
    /// alignment, and the counts, then that freeing it leaves nothing counted.
    /// </summary>
    private static void AssertReallocationKeepsTheBlock(int size, int alignment, int newSize, int newAlignment)
    {
        using var allocator = new OSAllocator();
        allocator.Records.Mode = TrackingMode.Counters;
        nint block = allocator.Allocate(size, alignment);
        Assert.NotEqual(0, block);
        Assert.Equal(size, allocator.AllocationSize(block));
        var bytes = new byte[Math.Min(size, newSize)];
        Random.Shared.NextBytes(bytes);
        Marshal.Copy(bytes, 0, block, bytes.Length);

        nint moved = allocator.ReAllocate(block, newSize, newAlignment);
        Assert.NotEqual(0, moved);
        Assert.Equal(0, moved % Math.Max(newAlignment, (int)OSSchema.MallocAlignment));
        var copy = new byte[bytes.Length];
        Marshal.Copy(moved, copy, 0, copy.Length);
        Assert.Equal(bytes, copy);
        Assert.Equal(newSize, allocator.AllocationSize(moved));
        Assert.Equal(newSize, allocator.Records.AllocatedBytes);

        allocator.DeAllocate(moved);
        Assert.Equal(0, allocator.Records.AllocatedBytes);
    }
}
