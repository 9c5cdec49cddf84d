using System.Runtime.InteropServices;
using Memory.Tracking;

namespace Memory.Runtime.Tests.BestFitExternal;

public sealed class BestFitExternalAllocatorTests
{
    // A base no block is ever written through: these tests never dereference the addresses they get.
    private static readonly nint FakeBase = unchecked((nint)0x1000_0000_0000);

    [Fact]
    public void Best_fit_takes_the_smallest_hole_that_fits()
    {
        using var range = new InaccessibleRange(1 << 20);
        using var heap = new BestFitExternalAllocator("best fit", range.Base, range.Length, defaultAlignment: 16);

        // Holes of 112, 304 and 208 bytes, kept apart by live blocks, then the rest of the range.
        nint small = heap.Allocate(112);
        nint separator1 = heap.Allocate(16);
        nint large = heap.Allocate(304);
        nint separator2 = heap.Allocate(16);
        nint medium = heap.Allocate(208);
        nint separator3 = heap.Allocate(16);
        heap.DeAllocate(small);
        heap.DeAllocate(large);
        heap.DeAllocate(medium);
        Assert.Equal(4, heap.FreeBlockCount);

        Assert.Equal(medium, heap.Allocate(150));
        Assert.Equal(small, heap.Allocate(100));
        Assert.Equal(large, heap.Allocate(250));
        Assert.Equal(heap.OffsetOf(separator3) + 16, heap.OffsetOf(heap.Allocate(400)));
        _ = (separator1, separator2);
    }

    [Theory]
    [InlineData(new[] { 0, 1 }, 0, 200)]    // The middle block merges with its left neighbour,
    [InlineData(new[] { 2, 1 }, 100, 200)]  // with its right neighbour,
    [InlineData(new[] { 0, 2, 1 }, 0, 300)] // with both.
    public void Freeing_merges_with_free_neighbours(int[] frees, long mergedOffset, long mergedLength)
    {
        using var range = new InaccessibleRange(4096);
        using var heap = new BestFitExternalAllocator("coalesce", range.Base, 300, defaultAlignment: 4);
        nint[] blocks = [heap.Allocate(100), heap.Allocate(100), heap.Allocate(100)];
        Assert.Equal([0L, 100L, 200L], blocks.Select(block => (long)heap.OffsetOf(block)));
        Assert.Equal(0, heap.FreeBlockCount);

        foreach (int index in frees)
            heap.DeAllocate(blocks[index]);
        Assert.Equal([(mergedOffset, mergedLength)], heap.FreeBlocks());

        foreach (int index in Enumerable.Range(0, 3).Except(frees))
            heap.DeAllocate(blocks[index]);
        Assert.Equal([(0L, 300L)], heap.FreeBlocks());
        Assert.Equal(300, heap.LargestFreeBlock);
        Assert.Equal(range.Base, heap.Allocate(300));
    }

    [Fact]
    public void Alignment_is_relative_to_the_base()
    {
        nint unalignedBase = FakeBase + 0x10;
        using var heap = new BestFitExternalAllocator("offsets", unalignedBase, 1 << 20);

        nint first = heap.Allocate(10);
        nint aligned = heap.Allocate(10, 256);
        nint page = heap.Allocate(1, 4096);

        Assert.Equal(0, heap.OffsetOf(first));
        Assert.Equal(256, heap.OffsetOf(aligned));
        Assert.Equal(4096, heap.OffsetOf(page));
        Assert.Equal(0x10, aligned % 256); // The address carries the base's misalignment.
        // The gaps alignment skipped stay free and serve later requests.
        Assert.Equal(16, heap.OffsetOf(heap.Allocate(200)));
    }

    [Fact]
    public void An_exhausted_range_returns_zero()
    {
        using var heap = new BestFitExternalAllocator("exhaust", FakeBase, 1024);
        Assert.Equal(0, heap.Allocate(1025));

        nint all = heap.Allocate(1024);
        Assert.Equal(FakeBase, all);
        Assert.Equal(0, heap.Allocate(1));
        Assert.Equal(0, heap.Allocate(0));
        heap.DeAllocate(all);

        // Enough bytes free in total, but no hole large enough.
        var blocks = Enumerable.Range(0, 8).Select(_ => heap.Allocate(128)).ToArray();
        for (int i = 0; i < blocks.Length; i += 2)
            heap.DeAllocate(blocks[i]);
        Assert.Equal(512, heap.FreeBytes);
        Assert.Equal(0, heap.Allocate(256));
        Assert.NotEqual(0, heap.Allocate(128));
    }

    [Fact]
    public void Sizes_round_to_the_granule_and_counts_are_exact()
    {
        using var heap = new BestFitExternalAllocator("counts", FakeBase, 1 << 16, defaultAlignment: 64);
        Assert.Equal(1 << 16, heap.Capacity);
        Assert.Equal(1 << 16, heap.ReservedBytes);

        nint zero = heap.Allocate(0);
        nint one = heap.Allocate(1);
        nint exact = heap.Allocate(128);
        Assert.NotEqual(zero, one);
        Assert.Equal(64, heap.AllocationSize(zero));
        Assert.Equal(64, heap.AllocationSize(one));
        Assert.Equal(128, heap.AllocationSize(exact));
        Assert.Equal(256, heap.NumAllocatedBytes);

        heap.Records.Mode = TrackingMode.None;
        Assert.Equal(256, heap.NumAllocatedBytes); // The schema's own count agrees with tracking.
        heap.Records.Mode = TrackingMode.Counters;
        foreach (nint block in new[] { zero, one, exact })
            heap.DeAllocate(block);
        Assert.Equal(1 << 16, heap.FreeBytes);
    }

    [Fact]
    public void Reallocation_resizes_in_place_or_fails_leaving_the_block_unchanged()
    {
        using var heap = new BestFitExternalAllocator("resize", FakeBase, 4096);
        nint a = heap.Allocate(256);
        nint b = heap.Allocate(256);

        Assert.Equal(b, heap.ReAllocate(b, 1024));          // The free right neighbour gives room.
        Assert.Equal(1024, heap.AllocationSize(b));
        Assert.Equal(0, heap.ReAllocate(a, 512));           // b is in the way: it would have to move.
        Assert.Equal(256, heap.AllocationSize(a));
        Assert.Equal(1280, heap.NumAllocatedBytes);
        Assert.Equal(a, heap.ReAllocate(a, 64));            // Shrinking gives the tail back...
        Assert.Equal([(64L, 192L), (1280L, 2816L)], heap.FreeBlocks());
        Assert.Equal(a, heap.ReAllocate(a, 256));           // ...and growing takes it again.
        Assert.Equal(b, heap.ReAllocate(b, 16));
        Assert.Equal([(272L, 3824L)], heap.FreeBlocks());   // The tail merged with the free space after it.
        Assert.Equal(0, heap.ReAllocate(b, 64, 1024));        // An alignment the offset lacks needs a move.
        Assert.Equal(272, heap.NumAllocatedBytes);
    }

    [Fact]
    public void A_foreign_or_freed_address_is_refused()
    {
        using var heap = new BestFitExternalAllocator("misuse", FakeBase, 4096);
        nint block = heap.Allocate(64);

        Assert.Throws<AllocatorMisuseException>(() => heap.DeAllocate(block + 16));
        Assert.Throws<AllocatorMisuseException>(() => heap.DeAllocate(FakeBase + (1 << 20)));
        heap.DeAllocate(block);
        Assert.Throws<AllocatorMisuseException>(() => heap.DeAllocate(block));
        Assert.Equal(0, heap.NumAllocatedBytes);
    }

    [Fact]
    public void Bad_ranges_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new BestFitExternalAllocator("zero base", 0, 4096));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BestFitExternalAllocator("empty", FakeBase, 0));
        Assert.Throws<ArgumentException>(() => new BestFitExternalAllocator("wraps", -4096, 8192));
        Assert.Throws<ArgumentException>(() => new BestFitExternalAllocator("alignment", FakeBase, 4096, defaultAlignment: 24));
    }

    [Fact]
    public void An_inaccessible_range_is_never_touched_even_with_records()
    {
        using var range = new InaccessibleRange(1 << 20);
        using var heap = new BestFitExternalAllocator("untouched", range.Base, range.Length);
        heap.Records.Mode = TrackingMode.Records;
        heap.IsChecked = true;
        Assert.True(range.IsGuaranteedToFault || !OperatingSystem.IsLinux());

        var random = new Random(5);
        var live = new List<nint>();
        for (int i = 0; i < 20_000; i++)
        {
            if (live.Count > 0 && random.Next(2) == 0)
            {
                int index = random.Next(live.Count);
                nint resized = heap.ReAllocate(live[index], random.Next(1, 4096));
                if (resized == 0 || random.Next(2) == 0)
                {
                    heap.DeAllocate(live[index]);
                    live.RemoveAt(index);
                }
            }
            else if (heap.Allocate(random.Next(0, 8192), 1 << random.Next(0, 13)) is var block and not 0)
            {
                live.Add(block);
            }
        }
        live.ForEach(block => heap.DeAllocate(block));
        heap.GarbageCollect();
        Assert.Equal(0, heap.NumAllocatedBytes);
        Assert.Equal([(0L, (long)range.Length)], heap.FreeBlocks());
    }

    [Fact]
    public void A_real_buffer_under_the_allocator_keeps_every_byte()
    {
        byte[] buffer = GC.AllocateArray<byte>(64 * 1024, pinned: true);
        new Random(9).NextBytes(buffer);
        byte[] before = buffer.ToArray();
        nint bufferBase = Marshal.UnsafeAddrOfPinnedArrayElement(buffer, 0);
        using var heap = new BestFitExternalAllocator("buffer", bufferBase, buffer.Length, defaultAlignment: 1);

        var random = new Random(10);
        var live = new List<nint>();
        for (int i = 0; i < 20_000; i++)
        {
            if (live.Count > 0 && random.Next(5) < 2)
            {
                int index = random.Next(live.Count);
                heap.DeAllocate(live[index]);
                live.RemoveAt(index);
            }
            else if (live.Count > 0 && random.Next(5) == 0)
            {
                _ = heap.ReAllocate(live[random.Next(live.Count)], random.Next(1, 2048));
            }
            else if (heap.Allocate(random.Next(0, 2048), 1 << random.Next(0, 9)) is var block and not 0)
            {
                live.Add(block);
            }
        }
        live.ForEach(block => heap.DeAllocate(block));

        Assert.Equal(before, buffer);
        Assert.Equal(0, heap.NumAllocatedBytes);
    }
}
