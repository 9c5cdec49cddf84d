using Memory.Containers;

namespace Memory.Runtime.Tests.Containers;

/// <summary>
/// Random operation sequences run against a native container and the BCL collection it imitates, checking
/// after every step that the two agree. Seeds are fixed so a failure reproduces; the seed and step are in
/// the failure message.
/// </summary>
public sealed class ContainerModelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void NativeList_behaves_like_List(int seed)
    {
        var random = new Random(seed);
        using var allocator = new MovingTestAllocator();
        var model = new List<int>();
        var list = new NativeList<int>(allocator: allocator);

        for (int step = 0; step < 20_000; step++)
        {
            string context = $"seed {seed}, step {step}";
            int operation = random.Next(100);
            int value = random.Next();
            if (operation < 40)
            {
                model.Add(value);
                list.Add(value);
            }
            else if (operation < 50)
            {
                int index = random.Next(model.Count + 1);
                model.Insert(index, value);
                list.Insert(index, value);
            }
            else if (operation < 60 && model.Count > 0)
            {
                int index = random.Next(model.Count);
                model.RemoveAt(index);
                list.RemoveAt(index);
            }
            else if (operation < 68 && model.Count > 0)
            {
                int index = random.Next(model.Count);
                model[index] = model[^1];
                model.RemoveAt(model.Count - 1);
                list.RemoveAtSwapBack(index);
            }
            else if (operation < 74 && model.Count > 0)
            {
                int index = random.Next(model.Count);
                int count = random.Next(model.Count - index + 1);
                model.RemoveRange(index, count);
                list.RemoveRange(index, count);
            }
            else if (operation < 80)
            {
                int[] items = Enumerable.Range(0, random.Next(20)).Select(_ => random.Next()).ToArray();
                model.AddRange(items);
                list.AddRange(items);
            }
            else if (operation < 85 && model.Count > 0)
            {
                // A range of the list appended to itself: the source may move while the list grows.
                int start = random.Next(model.Count);
                int length = random.Next(model.Count - start + 1);
                model.AddRange(model.GetRange(start, length));
                list.AddRange(list.AsSpan().Slice(start, length));
            }
            else if (operation < 95 && model.Count > 0)
            {
                int index = random.Next(model.Count);
                model[index] = value;
                list[index] = value;
            }
            else if (operation < 97)
            {
                model.Clear();
                list.Clear();
            }
            else if (operation < 99)
            {
                list.TrimExcess();
            }
            else
            {
                Assert.True(list.SequenceEqual(model), context);
            }

            Assert.True(list.Count == model.Count, context);
            if (model.Count > 0)
            {
                int probe = random.Next(model.Count);
                Assert.True(list[probe] == model[probe], context);
            }
        }

        Assert.Equal(model, list.ToArray());
        list.Dispose();
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.Records.LiveAllocations);
    }

    [Theory]
    [InlineData(1, 64)]
    [InlineData(2, 1024)]
    [InlineData(3, 100_000)]
    public void NativeHashMap_behaves_like_Dictionary(int seed, int keyRange)
    {
        var random = new Random(seed);
        using var allocator = new ContainerTestAllocator();
        var model = new Dictionary<int, long>();
        var map = new NativeHashMap<int, long>(allocator: allocator);

        RunMapModel(random, model, map, () => random.Next(keyRange), $"seed {seed}, keys {keyRange}");

        map.Dispose();
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.LiveAllocations);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void NativeHashMap_behaves_like_Dictionary_under_heavy_collisions(int seed)
    {
        var random = new Random(seed);
        using var allocator = new ContainerTestAllocator();
        var model = new Dictionary<CollidingKey, long>();
        var map = new NativeHashMap<CollidingKey, long>(allocator: allocator);

        RunMapModel(random, model, map, () => new CollidingKey(random.Next(300)), $"colliding seed {seed}", steps: 10_000);

        map.Dispose();
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }

    private static void RunMapModel<TKey>(Random random, Dictionary<TKey, long> model, NativeHashMap<TKey, long> map,
        Func<TKey> nextKey, string name, int steps = 30_000)
        where TKey : unmanaged, IEquatable<TKey>
    {
        for (int step = 0; step < steps; step++)
        {
            string context = $"{name}, step {step}";
            TKey key = nextKey();
            long value = random.NextInt64();
            int operation = random.Next(100);
            if (operation < 30)
            {
                Assert.True(model.TryAdd(key, value) == map.TryAdd(key, value), context);
            }
            else if (operation < 45)
            {
                model[key] = value;
                map[key] = value;
            }
            else if (operation < 70)
            {
                bool removed = model.Remove(key, out long expected);
                Assert.True(removed == map.Remove(key, out long actual), context);
                Assert.True(!removed || expected == actual, context);
            }
            else if (operation < 95)
            {
                bool found = model.TryGetValue(key, out long expected);
                Assert.True(found == map.TryGetValue(key, out long actual), context);
                Assert.True(!found || expected == actual, context);
                Assert.True(found == map.ContainsKey(key), context);
            }
            else if (operation < 96)
            {
                model.Clear();
                map.Clear();
            }
            else
            {
                var enumerated = new Dictionary<TKey, long>();
                foreach (var (k, v) in map)
                    Assert.True(enumerated.TryAdd(k, v), $"{context}: key enumerated twice");
                Assert.True(enumerated.Count == model.Count && enumerated.All(e => model.TryGetValue(e.Key, out long m) && m == e.Value), context);
            }
            Assert.True(model.Count == map.Count, context);
        }

        foreach (var (key, value) in model)
            Assert.Equal(value, map[key]);
    }
}
