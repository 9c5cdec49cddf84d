using Memory.Containers;

namespace Memory.Runtime.Tests.Containers;

public sealed class NativeHashMapTests
{
    [Fact]
    public void Added_entries_are_found_and_missing_ones_are_not()
    {
        using var allocator = new ContainerTestAllocator();
        using var map = new NativeHashMap<int, long>(allocator: allocator);

        for (int i = 0; i < 1000; i++)
            map.Add(i, i * 10L);

        Assert.Equal(1000, map.Count);
        for (int i = 0; i < 1000; i++)
        {
            Assert.True(map.TryGetValue(i, out long value));
            Assert.Equal(i * 10L, value);
            Assert.Equal(i * 10L, map[i]);
        }
        Assert.False(map.ContainsKey(1000));
        Assert.False(map.TryGetValue(-1, out _));
        Assert.Throws<KeyNotFoundException>(() => map[1000]);
    }

    [Fact]
    public void TryAdd_Add_and_the_indexer_treat_existing_keys_as_documented()
    {
        using var allocator = new ContainerTestAllocator();
        using var map = new NativeHashMap<int, int>(allocator: allocator);

        Assert.True(map.TryAdd(1, 10));
        Assert.False(map.TryAdd(1, 11));
        Assert.Equal(10, map[1]);
        Assert.Throws<ArgumentException>(() => map.Add(1, 12));

        map[1] = 13;
        map[2] = 20;
        Assert.Equal(13, map[1]);
        Assert.Equal(20, map[2]);
        Assert.Equal(2, map.Count);
    }

    [Fact]
    public void Remove_returns_the_value_and_leaves_the_others_reachable()
    {
        using var allocator = new ContainerTestAllocator();
        using var map = new NativeHashMap<int, int>(allocator: allocator);
        for (int i = 0; i < 100; i++)
            map.Add(i, -i);

        for (int i = 0; i < 100; i += 2)
        {
            Assert.True(map.Remove(i, out int value));
            Assert.Equal(-i, value);
        }
        Assert.False(map.Remove(0));

        Assert.Equal(50, map.Count);
        for (int i = 0; i < 100; i++)
            Assert.Equal(i % 2 == 1, map.ContainsKey(i));
    }

    [Fact]
    public void Colliding_keys_are_stored_and_removed_correctly()
    {
        // Eight hash values for 400 keys: long probe sequences, wrap-around and backward shifts.
        using var allocator = new ContainerTestAllocator();
        using var map = new NativeHashMap<CollidingKey, int>(allocator: allocator);
        for (int i = 0; i < 400; i++)
            map.Add(new CollidingKey(i), i);

        for (int i = 0; i < 400; i += 3)
            Assert.True(map.Remove(new CollidingKey(i)));

        for (int i = 0; i < 400; i++)
        {
            bool present = map.TryGetValue(new CollidingKey(i), out int value);
            Assert.Equal(i % 3 != 0, present);
            if (present)
                Assert.Equal(i, value);
        }
    }

    [Fact]
    public void The_table_doubles_and_stays_at_most_three_quarters_full()
    {
        using var allocator = new ContainerTestAllocator();
        using var map = new NativeHashMap<int, int>(allocator: allocator);
        Assert.Equal(0, map.Capacity);
        Assert.Equal(0, allocator.LiveAllocations);

        var capacities = new List<int>();
        for (int i = 0; i < 1000; i++)
        {
            map.Add(i, i);
            Assert.True(map.Count <= map.Capacity * 3 / 4);
            if (capacities.Count == 0 || capacities[^1] != map.Capacity)
                capacities.Add(map.Capacity);
        }

        Assert.Equal([8, 16, 32, 64, 128, 256, 512, 1024, 2048], capacities);
        Assert.Equal(2, allocator.LiveAllocations);
        Assert.Equal(2048 * (sizeof(uint) + 2 * sizeof(int)), allocator.NumAllocatedBytes);
    }

    [Fact]
    public void EnsureCapacity_sizes_the_table_so_no_rehash_follows()
    {
        using var inner = new ContainerTestAllocator();
        var spy = new SpyAllocator(inner);
        using var map = new NativeHashMap<int, int>(allocator: spy);

        Assert.True(map.EnsureCapacity(1000) >= 1000);
        int allocations = spy.Allocations;
        for (int i = 0; i < 1000; i++)
            map.Add(i, i);

        Assert.Equal(allocations, spy.Allocations);
        Assert.Equal(2048, map.Capacity);
    }

    [Fact]
    public void The_enumerator_yields_every_live_entry_once()
    {
        using var allocator = new ContainerTestAllocator();
        using var map = new NativeHashMap<int, int>(allocator: allocator);
        for (int i = 0; i < 200; i++)
            map.Add(i, i * i);
        for (int i = 0; i < 200; i += 5)
            map.Remove(i);

        var seen = new Dictionary<int, int>();
        foreach (var (key, value) in map)
            seen.Add(key, value);

        var expected = Enumerable.Range(0, 200).Where(i => i % 5 != 0).ToDictionary(i => i, i => i * i);
        Assert.Equal(expected, seen);
    }

    [Fact]
    public void Adding_or_removing_during_enumeration_throws_but_overwriting_does_not()
    {
        using var allocator = new ContainerTestAllocator();
        using var map = new NativeHashMap<int, int>(allocator: allocator);
        for (int i = 0; i < 10; i++)
            map.Add(i, i);

        foreach (var entry in map)
            map[entry.Key] = entry.Value + 1;
        Assert.Equal(Enumerable.Range(1, 10), Enumerable.Range(0, 10).Select(i => map[i]));

        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var entry in map)
                map.Remove(entry.Key);
        });
        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var entry in map)
                map.Add(entry.Key + 100, 0);
        });
    }

    [Fact]
    public void Clear_empties_the_map_and_keeps_its_memory()
    {
        using var allocator = new ContainerTestAllocator();
        using var map = new NativeHashMap<int, int>(allocator: allocator);
        for (int i = 0; i < 100; i++)
            map.Add(i, i);
        long bytes = allocator.NumAllocatedBytes;

        map.Clear();

        Assert.Equal(0, map.Count);
        Assert.Empty(map);
        Assert.False(map.ContainsKey(5));
        Assert.Equal(bytes, allocator.NumAllocatedBytes);
        map.Add(5, 50);
        Assert.Equal(50, map[5]);
    }

    [Fact]
    public void Dispose_returns_every_byte_and_use_after_dispose_throws()
    {
        using var allocator = new ContainerTestAllocator();
        var map = new NativeHashMap<int, int>(allocator: allocator);
        for (int i = 0; i < 100; i++)
            map.Add(i, i);

        map.Dispose();

        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.LiveAllocations);
        Assert.Throws<ObjectDisposedException>(() => map.Count);
        Assert.Throws<ObjectDisposedException>(() => map[1]);
        Assert.Throws<ObjectDisposedException>(() => map[1] = 2);
        Assert.Throws<ObjectDisposedException>(() => map.TryGetValue(1, out _));
        Assert.Throws<ObjectDisposedException>(() => map.TryAdd(1, 1));
        Assert.Throws<ObjectDisposedException>(() => map.ContainsKey(1));
        Assert.Throws<ObjectDisposedException>(() => map.Remove(1));
        Assert.Throws<ObjectDisposedException>(() => map.Clear());
        Assert.Throws<ObjectDisposedException>(() => map.GetEnumerator());
    }

    [Fact]
    public void Disposing_during_enumeration_throws_ObjectDisposedException()
    {
        using var allocator = new ContainerTestAllocator();
        var map = new NativeHashMap<int, int>(allocator: allocator);
        map.Add(1, 1);
        map.Add(2, 2);

        Assert.Throws<ObjectDisposedException>(() =>
        {
            foreach (var entry in map)
                map.Dispose();
        });
    }

    [Fact]
    public void A_second_dispose_is_detected_in_checked_mode()
    {
        using var allocator = new ContainerTestAllocator(isChecked: true);
        var map = new NativeHashMap<int, int>(allocator: allocator);
        map.Add(1, 1);

        map.Dispose();

        Assert.Throws<ObjectDisposedException>(() => map.Dispose());
        Assert.Equal(0, allocator.LiveAllocations);
    }

    [Fact]
    public void Running_out_of_memory_while_growing_leaves_the_map_intact()
    {
        // 8 slots fit (8 x 8-byte entries = 64 bytes); 16 slots do not.
        using var allocator = new CappedTestAllocator(limit: 64);
        using var map = new NativeHashMap<int, int>(allocator: allocator);
        for (int i = 0; i < 6; i++)
            map.Add(i, i);

        Assert.Throws<OutOfMemoryException>(() => map.Add(6, 6));

        Assert.Equal(6, map.Count);
        for (int i = 0; i < 6; i++)
            Assert.Equal(i, map[i]);
        Assert.Equal(2, allocator.Records.LiveAllocations);
    }

    [Fact]
    public void Without_an_allocator_the_process_wide_default_is_used()
    {
        using var map = new NativeHashMap<int, int>();

        Assert.Same(SystemAllocator.Instance, map.Allocator);
    }
}

/// <summary>A key with only eight distinct hash codes.</summary>
internal readonly record struct CollidingKey(int Value)
{
    public override int GetHashCode() => Value & 7;
}
