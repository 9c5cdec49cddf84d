namespace Memory.Runtime.Tests.Pool;

/// <summary>
/// A thread remembers the thread-pool schema it used last; turning between schemas on one thread must always find
/// the right pool, and frees must go to the right owner.
/// </summary>
[Collection(PoolTestCollection.Name)]
public sealed class ThreadHeapCacheTests
{
    [Fact]
    public void AlternatingBetweenSchemasOnOneThreadKeepsEachPoolsBlocksAndCounts()
    {
        using var first = PoolAllocators.Create(PoolKind.ThreadPool);
        using var second = PoolAllocators.Create(PoolKind.ThreadPool);
        var firstBlocks = new List<nint>();
        var secondBlocks = new List<nint>();
        for (int i = 0; i < 2000; i++)
        {
            firstBlocks.Add(first.Allocate(16));
            secondBlocks.Add(second.Allocate(32));
            if (i % 3 == 0)
            {
                first.DeAllocate(firstBlocks[^1]);
                firstBlocks.RemoveAt(firstBlocks.Count - 1);
                second.DeAllocate(secondBlocks[0]);
                secondBlocks.RemoveAt(0);
            }
        }

        Assert.Equal(firstBlocks.Count * 16, first.NumAllocatedBytes);
        Assert.Equal(secondBlocks.Count * 32, second.NumAllocatedBytes);

        // Frees from a thread that has used only the second schema go to the first schema's owner as remote frees.
        var other = new Thread(() =>
        {
            second.DeAllocate(second.Allocate(8));
            foreach (var block in firstBlocks)
                first.DeAllocate(block);
        });
        other.Start();
        other.Join();
        foreach (var block in secondBlocks)
            second.DeAllocate(block);

        Assert.Equal(0, first.NumAllocatedBytes);
        Assert.Equal(0, second.NumAllocatedBytes);
        first.GarbageCollect();
        Assert.Equal(0, first.ReservedBytes);
    }
}
