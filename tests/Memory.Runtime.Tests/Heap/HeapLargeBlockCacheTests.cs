using Memory.Schemas;

namespace Memory.Runtime.Tests.Heap;

/// <summary>Freed large blocks of the heap schema are kept for reuse and returned by garbage collection.</summary>
public sealed unsafe class HeapLargeBlockCacheTests
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public void A_freed_large_block_is_reused_and_collected()
    {
        var heap = new HeapSchema();
        nint first = heap.Allocate(MiB, 0);
        long reserved = heap.ReservedBytes;
        heap.DeAllocate(first, 0, 0);
        Assert.Equal(0, heap.NumAllocatedBytes);
        Assert.Equal(reserved, heap.ReservedBytes);

        nint second = heap.Allocate(MiB - 100, 0);
        Assert.Equal(first, second);
        Assert.Equal(reserved, heap.ReservedBytes);
        Assert.Equal(heap.AllocationSize(second), heap.NumAllocatedBytes);
        new Span<byte>((void*)second, MiB - 100).Fill(5);

        // A request nothing kept fits, past the peak: the kept region goes back first.
        heap.DeAllocate(second, 0, 0);
        nint bigger = heap.Allocate(4 * MiB, 0);
        Assert.True(heap.ReservedBytes < reserved + 4 * MiB + 64 * 1024, $"{heap.ReservedBytes} reserved");
        heap.DeAllocate(bigger, 0, 0);

        heap.GarbageCollect();
        Assert.Equal(0, heap.ReservedBytes);
    }
}
