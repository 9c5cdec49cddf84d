using System.Buffers;
using Memory.Containers;

namespace Memory.Runtime.Tests.Containers;

public sealed class NativeArrayTests
{
    [Fact]
    public void A_new_array_is_zeroed_and_sized_exactly()
    {
        using var allocator = new ContainerTestAllocator();
        using var array = new NativeArray<long>(100, allocator);

        Assert.Equal(100, array.Length);
        Assert.All(array.ToArray(), item => Assert.Equal(0, item));
        Assert.Equal(100 * sizeof(long), allocator.NumAllocatedBytes);
        Assert.Equal(1, allocator.LiveAllocations);
    }

    [Fact]
    public void An_array_can_be_created_from_a_span()
    {
        using var allocator = new ContainerTestAllocator();
        using var array = new NativeArray<int>([5, 6, 7], allocator);

        Assert.Equal([5, 6, 7], array.ToArray());
    }

    [Fact]
    public void The_indexer_returns_a_reference_and_checks_bounds()
    {
        using var allocator = new ContainerTestAllocator();
        using var array = new NativeArray<int>(3, allocator);

        array[0] = 1;
        ref int last = ref array[2];
        last = 3;

        Assert.Equal([1, 0, 3], array.AsSpan().ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => array[3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => array[-1]);
    }

    [Fact]
    public void The_enumerator_yields_references()
    {
        using var allocator = new ContainerTestAllocator();
        using var array = new NativeArray<int>([1, 2, 3], allocator);

        foreach (ref int item in array)
            item += 1;

        Assert.Equal([2, 3, 4], array);
    }

    [Fact]
    public void The_enumerator_has_no_current_element_outside_the_array()
    {
        using var allocator = new ContainerTestAllocator();
        using var array = new NativeArray<int>([7], allocator);
        var enumerator = array.GetEnumerator();

        Assert.Throws<InvalidOperationException>(() => enumerator.Current);
        Assert.True(enumerator.MoveNext());
        Assert.Equal(7, enumerator.Current);
        Assert.False(enumerator.MoveNext());
        Assert.Throws<InvalidOperationException>(() => enumerator.Current);
    }

    [Fact]
    public void CopyFrom_fills_the_start()
    {
        using var allocator = new ContainerTestAllocator();
        using var array = new NativeArray<byte>(4, allocator);

        array.CopyFrom([9, 8]);

        Assert.Equal([9, 8, 0, 0], array.ToArray());
        Assert.Throws<ArgumentException>(() => array.CopyFrom(new byte[5]));
    }

    [Fact]
    public async Task AsMemory_works_with_Memory_users_and_stops_working_after_dispose()
    {
        using var allocator = new ContainerTestAllocator();
        var array = new NativeArray<byte>(8, allocator);
        var source = new MemoryStream([1, 2, 3, 4, 5, 6, 7, 8]);

        Memory<byte> memory = array.AsMemory();
        int read = await source.ReadAsync(memory);

        Assert.Equal(8, read);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], array.ToArray());
        Assert.False(System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(memory, out _));

        array.Dispose();
        Assert.Throws<ObjectDisposedException>(() => memory.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => memory.Pin());
    }

    [Fact]
    public void An_empty_array_needs_no_memory()
    {
        using var allocator = new ContainerTestAllocator();
        using var array = new NativeArray<int>(0, allocator);

        Assert.Equal(0, array.Length);
        Assert.True(array.AsSpan().IsEmpty);
        Assert.Empty(array);
        Assert.Equal(0, allocator.LiveAllocations);
    }

    [Fact]
    public void Dispose_returns_the_memory_and_use_after_dispose_throws()
    {
        using var allocator = new ContainerTestAllocator();
        var array = new NativeArray<int>(10, allocator);

        array.Dispose();

        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.True(array.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => array[0]);
        Assert.Throws<ObjectDisposedException>(() => array.Length);
        Assert.Throws<ObjectDisposedException>(() => array.AsSpan());
        Assert.Throws<ObjectDisposedException>(() => array.AsMemory());
        Assert.Throws<ObjectDisposedException>(() => array.GetEnumerator());
        Assert.Throws<ObjectDisposedException>(() => array.ToArray());
    }

    [Fact]
    public void Disposing_during_enumeration_throws_ObjectDisposedException()
    {
        using var allocator = new ContainerTestAllocator();
        var array = new NativeArray<int>(4, allocator);

        Assert.Throws<ObjectDisposedException>(() =>
        {
            foreach (int item in array)
                array.Dispose();
        });
    }

    [Fact]
    public void A_second_dispose_is_a_no_op_unless_the_allocator_is_checked()
    {
        using var plain = new ContainerTestAllocator();
        var first = new NativeArray<int>(4, plain);
        first.Dispose();
        first.Dispose();

        using var checkedAllocator = new ContainerTestAllocator(isChecked: true);
        var second = new NativeArray<int>(4, checkedAllocator);
        second.Dispose();
        Assert.Throws<ObjectDisposedException>(() => second.Dispose());
        Assert.Equal(0, checkedAllocator.LiveAllocations);
    }

    [Fact]
    public void Elements_larger_than_a_machine_word_keep_their_alignment()
    {
        using var inner = new ContainerTestAllocator();
        var spy = new SpyAllocator(inner);
        using var array = new NativeArray<Int128>(3, spy);

        Assert.Equal(16, spy.Alignments.Single());
        Assert.Equal(0, AddressOf(array.AsSpan()) % 16);
    }

    private static unsafe long AddressOf<T>(Span<T> span)
        where T : unmanaged
    {
        fixed (T* pointer = span)
            return (long)pointer;
    }
}
