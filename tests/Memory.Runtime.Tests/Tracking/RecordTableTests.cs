using Memory.Tracking.Records;

namespace Memory.Runtime.Tests.Tracking;

public sealed class RecordTableTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RandomAddsAndRemovesMatchADictionary(bool concurrent)
    {
        var table = new RecordTable(concurrent);
        var model = new Dictionary<nint, nint>();
        var random = new Random(1234);
        // Few distinct, aligned addresses so that runs, collisions and wrap-around all happen.
        nint[] addresses = Enumerable.Range(1, 600).Select(i => (nint)(0x10000 + i * 16)).ToArray();

        for (int step = 0; step < 50_000; step++)
        {
            nint address = addresses[random.Next(addresses.Length)];
            if (random.Next(3) == 0)
            {
                Assert.Equal(model.Remove(address, out nint expected), table.TryRemove(address, out var removed));
                if (expected != 0)
                    Assert.Equal(expected, removed.RequestedSize);
            }
            else
            {
                nint size = random.Next(1, 1000);
                table.Add(address, new RecordEntry { RequestedSize = size });
                model[address] = size;
            }
        }

        Assert.Equal(model.Count, table.Count);
        Assert.Equal(model.Values.Sum(v => (long)v), table.RequestedBytes);
        foreach (var address in addresses)
        {
            Assert.Equal(model.TryGetValue(address, out nint size), table.TryGet(address, out var entry));
            Assert.Equal(size, entry.RequestedSize);
        }
        Assert.Equal(model.Keys.Order(), table.Copy().Select(p => p.Key).Order());
    }

    [Fact]
    public void ClearingPlainEntriesKeepsGuardedOnes()
    {
        var table = new RecordTable(concurrent: true);
        for (int i = 1; i <= 100; i++)
            table.Add(i * 64, new RecordEntry { RequestedSize = i, Layout = i % 10 == 0 ? BlockLayout.GuardBytes : BlockLayout.Plain });

        table.ClearPlain();

        Assert.Equal(10, table.Count);
        Assert.All(table.Copy(), p => Assert.Equal(BlockLayout.GuardBytes, p.Value.Layout));
        Assert.True(table.Contains(1000 * 64 / 10));
        Assert.False(table.Contains(64));
    }

    [Fact]
    public void ThreadsAddingAndRemovingAtOnceLoseNothing()
    {
        var table = new RecordTable(concurrent: true);
        int missing = 0;
        const int threads = 4;
        const int perThread = 20_000;
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            for (int i = 0; i < perThread; i++)
            {
                nint address = (nint)((t * perThread + i + 1) * 32L);
                table.Add(address, new RecordEntry { RequestedSize = 1 });
                if (i % 2 == 0 && !table.TryRemove(address, out _))
                    Interlocked.Increment(ref missing);
            }
        })).ToArray();
        foreach (var worker in workers)
            worker.Start();
        foreach (var worker in workers)
            worker.Join();

        Assert.Equal(0, missing);
        Assert.Equal(threads * perThread / 2, table.Count);
        Assert.Equal(threads * perThread / 2, table.RequestedBytes);
    }
}
