using Memory.Containers;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Containers;

public sealed class NativeListTests
{
    [Fact]
    public void Add_grows_and_keeps_every_element_in_order()
    {
        using var allocator = new ContainerTestAllocator();
        using var list = new NativeList<int>(allocator: allocator);

        for (int i = 0; i < 1000; i++)
            list.Add(i * 3);

        Assert.Equal(1000, list.Count);
        Assert.True(list.Capacity >= 1000);
        for (int i = 0; i < 1000; i++)
            Assert.Equal(i * 3, list[i]);
        Assert.Equal(list.Capacity * sizeof(int), allocator.NumAllocatedBytes);
        Assert.Equal(1, allocator.LiveAllocations);
    }

    [Fact]
    public void An_empty_list_allocates_nothing_until_the_first_element()
    {
        using var allocator = new ContainerTestAllocator();
        using var list = new NativeList<long>(allocator: allocator);

        Assert.Equal(0, allocator.LiveAllocations);
        list.Add(1);
        Assert.Equal(1, allocator.LiveAllocations);
        Assert.Equal(4, list.Capacity);
    }

    [Fact]
    public void Growth_goes_through_ReAllocate_with_the_element_alignment()
    {
        using var inner = new ContainerTestAllocator();
        var spy = new SpyAllocator(inner);
        var list = new NativeList<long>(allocator: spy);

        for (int i = 0; i < 100; i++)
            list.Add(i);

        // 4 -> 8 -> 16 -> 32 -> 64 -> 128: one allocation, then five re-allocations.
        Assert.Equal(1, spy.Allocations);
        Assert.Equal(5, spy.ReAllocations);
        Assert.All(spy.Alignments, alignment => Assert.Equal(sizeof(long), alignment));

        list.Dispose();
        Assert.Equal(1, spy.DeAllocations);
        Assert.Equal(128 * sizeof(long), spy.FreedSizes.Single());
        Assert.Equal(0, inner.NumAllocatedBytes);
    }

    [Fact]
    public void Blocks_of_16_byte_aligned_elements_are_16_byte_aligned()
    {
        using var inner = new MovingTestAllocator();
        var spy = new SpyAllocator(inner);
        using var list = new NativeList<Int128>(allocator: spy);

        for (int i = 0; i < 50; i++)
        {
            list.Add(i);
            Assert.Equal(0, AddressOf(list.AsSpan()) % 16);
        }
        Assert.All(spy.Alignments, alignment => Assert.Equal(16, alignment));
    }

    [Fact]
    public void The_allocation_record_names_the_line_that_created_the_list_even_after_growth()
    {
        using var allocator = new ContainerTestAllocator { IsChecked = true };
        using var list = new NativeList<int>(allocator: allocator, name: "particles"); int creationLine = CurrentLine();

        for (int i = 0; i < 100; i++)
            list.Add(i);

        var record = Assert.Single(allocator.Records.Snapshot());
        Assert.Equal("particles", record.Name);
        Assert.EndsWith(nameof(NativeListTests) + ".cs", record.File);
        Assert.Equal(creationLine, record.Line);
    }

    [Fact]
    public void The_indexer_returns_a_reference_into_the_list()
    {
        using var allocator = new ContainerTestAllocator();
        using var list = new NativeList<int>(allocator: allocator);
        list.Add(10);
        list.Add(20);

        list[0] = 11;
        ref int second = ref list[1];
        second++;

        Assert.Equal([11, 21], list.ToArray());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    [InlineData(int.MaxValue)]
    public void The_indexer_checks_bounds(int index)
    {
        using var allocator = new ContainerTestAllocator();
        using var list = new NativeList<int>(capacity: 16, allocator: allocator);
        list.AddRange([1, 2, 3]);

        Assert.Throws<ArgumentOutOfRangeException>(() => list[index]);
    }

    [Fact]
    public void Insert_and_remove_keep_order()
    {
        using var allocator = new ContainerTestAllocator();
        using var list = new NativeList<int>(allocator: allocator);
        list.AddRange([0, 1, 2, 3, 4, 5]);

        list.Insert(0, -1);
        list.Insert(7, 6);
        list.Insert(3, 100);
        Assert.Equal([-1, 0, 1, 100, 2, 3, 4, 5, 6], list.ToArray());

        list.RemoveAt(3);
        list.RemoveRange(0, 2);
        Assert.Equal([1, 2, 3, 4, 5, 6], list.ToArray());

        list.RemoveAtSwapBack(1);
        Assert.Equal([1, 6, 3, 4, 5], list.ToArray());

        Assert.Throws<ArgumentOutOfRangeException>(() => list.Insert(6, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => list.RemoveAt(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => list.RemoveRange(3, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => list.RemoveAtSwapBack(-1));
    }

    [Fact]
    public void Clear_keeps_the_capacity_and_TrimExcess_returns_it()
    {
        using var allocator = new ContainerTestAllocator();
        using var list = new NativeList<int>(allocator: allocator);
        list.AddRange(new int[100]);
        int capacity = list.Capacity;

        list.Clear();
        Assert.Empty(list);
        Assert.Equal(capacity, list.Capacity);
        Assert.Equal(capacity * sizeof(int), allocator.NumAllocatedBytes);

        list.TrimExcess();
        Assert.Equal(0, list.Capacity);
        Assert.Equal(0, allocator.NumAllocatedBytes);

        list.Add(7);
        Assert.Equal([7], list.ToArray());
    }

    [Fact]
    public void EnsureCapacity_reserves_once()
    {
        using var inner = new ContainerTestAllocator();
        var spy = new SpyAllocator(inner);
        using var list = new NativeList<int>(allocator: spy);

        Assert.Equal(500, list.EnsureCapacity(500));
        for (int i = 0; i < 500; i++)
            list.Add(i);

        Assert.Equal(1, spy.Allocations);
        Assert.Equal(0, spy.ReAllocations);
    }

    [Fact]
    public void AddRange_of_the_list_itself_survives_the_block_moving()
    {
        // The moving allocator poisons the old block, so a copy from the stale span would show 0xDD bytes.
        using var allocator = new MovingTestAllocator();
        using var list = new NativeList<int>(allocator: allocator);
        list.AddRange([1, 2, 3, 4]);

        list.AddRange(list.AsSpan());
        list.AddRange(list.AsSpan()[1..3]);

        Assert.Equal([1, 2, 3, 4, 1, 2, 3, 4, 2, 3], list.ToArray());
    }

    [Fact]
    public void The_enumerator_yields_references_in_order()
    {
        using var allocator = new ContainerTestAllocator();
        using var list = new NativeList<int>(allocator: allocator);
        list.AddRange([1, 2, 3]);

        foreach (ref int item in list)
            item *= 10;

        Assert.Equal([10, 20, 30], list.ToArray());
        Assert.Equal([10, 20, 30], list.Where(_ => true));
    }

    [Fact]
    public void The_enumerator_has_no_current_element_outside_the_list()
    {
        using var allocator = new ContainerTestAllocator();
        using var list = new NativeList<int>(allocator: allocator);
        list.Add(1);
        var enumerator = list.GetEnumerator();

        Assert.Throws<InvalidOperationException>(() => enumerator.Current);
        Assert.True(enumerator.MoveNext());
        Assert.Equal(1, enumerator.Current);
        Assert.False(enumerator.MoveNext());
        Assert.Throws<InvalidOperationException>(() => enumerator.Current);
    }

    [Fact]
    public void Changing_the_list_during_enumeration_throws()
    {
        using var allocator = new ContainerTestAllocator();
        using var list = new NativeList<int>(allocator: allocator);
        list.AddRange([1, 2, 3, 4]);

        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (int item in list)
                list.Add(item);
        });
    }

    [Fact]
    public void Disposing_during_enumeration_throws_ObjectDisposedException()
    {
        using var allocator = new ContainerTestAllocator();
        var list = new NativeList<int>(allocator: allocator);
        list.AddRange([1, 2, 3, 4]);

        Assert.Throws<ObjectDisposedException>(() =>
        {
            foreach (int item in list)
                list.Dispose();
        });
    }

    [Fact]
    public void Every_holder_sees_growth_because_the_list_is_one_object()
    {
        using var allocator = new MovingTestAllocator();
        using var list = new NativeList<int>(allocator: allocator);
        NativeList<int> alias = list;

        for (int i = 0; i < 64; i++)
            alias.Add(i);

        Assert.Equal(64, list.Count);
        Assert.Equal(Enumerable.Range(0, 64), list.ToArray());
    }

    [Fact]
    public void Dispose_returns_every_byte()
    {
        using var allocator = new ContainerTestAllocator();
        var list = new NativeList<int>(capacity: 10, allocator: allocator);
        for (int i = 0; i < 1000; i++)
            list.Add(i);
        Assert.NotEqual(0, allocator.NumAllocatedBytes);

        list.Dispose();

        Assert.True(list.IsDisposed);
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.LiveAllocations);
    }

    [Fact]
    public void Use_after_dispose_throws_ObjectDisposedException()
    {
        using var allocator = new ContainerTestAllocator();
        var list = new NativeList<int>(allocator: allocator);
        list.AddRange([1, 2, 3]);
        list.Dispose();

        Assert.Throws<ObjectDisposedException>(() => list[0]);
        Assert.Throws<ObjectDisposedException>(() => list.Add(4));
        Assert.Throws<ObjectDisposedException>(() => list.AddRange([4]));
        Assert.Throws<ObjectDisposedException>(() => list.Count);
        Assert.Throws<ObjectDisposedException>(() => list.Capacity);
        Assert.Throws<ObjectDisposedException>(() => list.AsSpan());
        Assert.Throws<ObjectDisposedException>(() => list.GetEnumerator());
        Assert.Throws<ObjectDisposedException>(() => list.Insert(0, 1));
        Assert.Throws<ObjectDisposedException>(() => list.RemoveAt(0));
        Assert.Throws<ObjectDisposedException>(() => list.RemoveAtSwapBack(0));
        Assert.Throws<ObjectDisposedException>(() => list.Clear());
        Assert.Throws<ObjectDisposedException>(() => list.EnsureCapacity(1));
        Assert.Throws<ObjectDisposedException>(() => list.TrimExcess());
    }

    [Fact]
    public void A_second_dispose_is_a_no_op_outside_checked_mode()
    {
        using var allocator = new ContainerTestAllocator();
        var list = new NativeList<int>(allocator: allocator);
        list.Add(1);

        list.Dispose();
        list.Dispose();

        Assert.Equal(0, allocator.LiveAllocations);
    }

    [Fact]
    public void A_second_dispose_through_another_reference_is_detected_in_checked_mode()
    {
        using var allocator = new ContainerTestAllocator(isChecked: true);
        var list = new NativeList<int>(allocator: allocator);
        var sameList = list;
        list.Add(1);

        list.Dispose();
        var error = Assert.Throws<ObjectDisposedException>(() => sameList.Dispose());

        Assert.Contains("twice", error.Message);
        Assert.Equal(0, allocator.LiveAllocations);
    }

    [Fact]
    public void Running_out_of_memory_throws_and_leaves_the_list_intact()
    {
        using var allocator = new CappedTestAllocator(limit: 64);
        using var list = new NativeList<int>(allocator: allocator);
        for (int i = 0; i < 16; i++)
            list.Add(i);

        Assert.Throws<OutOfMemoryException>(() => list.Add(16));

        Assert.Equal(Enumerable.Range(0, 16), list.ToArray());
        list.RemoveAt(0);
        list.Add(16);
        Assert.Equal(Enumerable.Range(1, 16), list.ToArray());
    }

    [Fact]
    public void Without_an_allocator_the_process_wide_default_is_used()
    {
        using var list = new NativeList<int>();

        Assert.Same(SystemAllocator.Instance, list.Allocator);
    }

    [Fact]
    public void Negative_capacity_is_rejected()
    {
        using var allocator = new ContainerTestAllocator();
        Assert.Throws<ArgumentOutOfRangeException>(() => new NativeList<int>(-1, allocator));
    }

    private static unsafe long AddressOf<T>(Span<T> span)
        where T : unmanaged
    {
        fixed (T* pointer = span)
            return (long)pointer;
    }

    private static int CurrentLine([System.Runtime.CompilerServices.CallerLineNumber] int line = 0) => line;
}
