namespace Memory.Runtime.Tests.Pool;

/// <summary>
/// The pools' lists of recently freed blocks per class (see <c>SizeClassPages</c>): what the pool's thread frees is the
/// next handed out, a second free of a block anywhere on such a list is refused, and a collection another thread asked
/// for still happens. That listed blocks go back to their pages when pages are reclaimed is shown by
/// <see cref="PoolAllocatorTests.PagesEmptiedInOneClassServeAnotherWithoutGarbageCollect"/>, whose freed blocks all
/// wait on their class's list.
/// </summary>
[Collection(PoolTestCollection.Name)]
public unsafe class RecentBlocksTests
{
    [Theory]
    [InlineData(PoolKind.Pool)]
    [InlineData(PoolKind.ThreadPool)]
    public void Blocks_freed_are_handed_out_again_newest_first_whatever_their_pages(PoolKind kind)
    {
        using var allocator = PoolAllocators.Create(kind);
        // 200 blocks of 64 bytes fill three 4 KiB pages (63 to a page): the three freed below are on different pages.
        var blocks = new nint[200];
        for (int i = 0; i < blocks.Length; i++)
            blocks[i] = allocator.Allocate(64);
        nint[] freed = [blocks[10], blocks[150], blocks[80]];
        foreach (nint block in freed)
            allocator.DeAllocate(block);

        Assert.Equal(freed[2], allocator.Allocate(64));
        Assert.Equal(freed[1], allocator.Allocate(64));
        Assert.Equal(freed[0], allocator.Allocate(64));
        Assert.Equal(200 * 64, allocator.NumAllocatedBytes);

        foreach (nint block in blocks)
            allocator.DeAllocate(block);
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Theory]
    [InlineData(PoolKind.Pool)]
    [InlineData(PoolKind.ThreadPool)]
    public void A_second_free_of_a_block_behind_others_on_its_class_list_is_refused_and_changes_nothing(PoolKind kind)
    {
        // Not disposed with `using`: had the second free been taken, the list would run in a circle, and disposing walks it.
        AllocatorBase allocator = PoolAllocators.Create(kind);
        nint first = allocator.Allocate(48);
        nint second = allocator.Allocate(48);
        nint third = allocator.Allocate(48);
        allocator.DeAllocate(first);
        allocator.DeAllocate(second);
        allocator.DeAllocate(third);

        AllocatorMisuseException? refused = null;
        try
        {
            allocator.DeAllocate(first);
        }
        catch (AllocatorMisuseException exception)
        {
            refused = exception;
        }
        Assert.NotNull(refused);
        Assert.Equal(Diagnostics.MisuseKind.DoubleFree, refused.Kind);
        Assert.Equal(0, allocator.NumAllocatedBytes);

        // The list is whole: the three come back once each, newest first, and then a block none of them is.
        Assert.Equal(third, allocator.Allocate(48));
        Assert.Equal(second, allocator.Allocate(48));
        Assert.Equal(first, allocator.Allocate(48));
        nint fourth = allocator.Allocate(48);
        Assert.DoesNotContain(fourth, new[] { first, second, third });
        foreach (nint block in new[] { first, second, third, fourth })
            allocator.DeAllocate(block);
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.ReservedBytes);
        allocator.Dispose();
    }

    [Fact]
    public void A_collection_another_thread_asked_for_is_done_when_a_class_without_recent_blocks_allocates_from_its_page()
    {
        using var allocator = PoolAllocators.Create(PoolKind.Pool);
        // A class with a page that has room and no recent blocks: its next allocation comes from that page.
        nint kept = allocator.Allocate(64);
        var blocks = new nint[3000];
        for (int i = 0; i < blocks.Length; i++)
            blocks[i] = allocator.Allocate(48);
        foreach (nint block in blocks)
            allocator.DeAllocate(block);
        long reserved = allocator.ReservedBytes;

        var collector = new Thread(allocator.RequestGarbageCollect);
        collector.Start();
        collector.Join();
        Assert.Equal(reserved, allocator.ReservedBytes);

        nint other = allocator.Allocate(64);
        Assert.True(allocator.ReservedBytes < reserved, $"{allocator.ReservedBytes} bytes reserved after the trim, {reserved} before");
        allocator.DeAllocate(other);
        allocator.DeAllocate(kept);
        allocator.GarbageCollect();
        Assert.Equal(0, allocator.ReservedBytes);
    }
}
