using System.Runtime.CompilerServices;
using Memory.Runtime.Tests.Testing;
using Memory.Schemas;
using Memory.Schemas.Pool;

namespace Memory.Runtime.Tests.Pool;

/// <summary>
/// A thread remembers the thread-pool schema it used last; turning between schemas on one thread must always find
/// the right pool, and frees must go to the right owner. A thread keeps no pool of a schema retired before it turned to
/// another. A thread that takes over an exited thread's pool finds it by its own stack page.
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

    [Fact]
    public void A_long_lived_thread_drops_the_pools_of_retired_schemas_when_it_turns_to_another()
    {
        const int Schemas = 50;
        var dropped = new List<WeakReference>();
        int tableAfter = -1;
        bool lastKept = false;
        string? leftLive = null;
        OnThread.Run(() =>
        {
            for (int i = 0; i < Schemas; i++)
                dropped.Add(UseAndRetire(freeAfterRetire: i % 2 == 0, ref leftLive));
            var last = new ThreadPoolSchema();
            last.DeAllocate(last.Allocate(64, 0), 64, 0);
            tableAfter = ThreadHeapTable.CountForTests;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            lastKept = last.CallersPool is not null;
            GC.KeepAlive(last);
        });

        Assert.Null(leftLive);
        // The retired schemas' entries went when the thread added the next; only the live schema's remains.
        Assert.Equal(1, tableAfter);
        Assert.True(lastKept);
        Assert.Equal(0, dropped.Count(pool => pool.IsAlive));
    }

    [Fact]
    public void A_thread_that_takes_over_an_orphaned_pool_finds_it_by_its_stack_page()
    {
        var schema = new ThreadPoolSchema();
        object? exitedPool = null;
        int exitedSlot = -1;
        nint outlives = 0;
        OnThread.Run(() =>
        {
            outlives = schema.Allocate(32, 0);  // a pool with nothing live would be released, not orphaned
            schema.DeAllocate(schema.Allocate(64, 0), 64, 0);
            exitedPool = schema.CallersPool;
            exitedSlot = schema.CallersStackSlot;
        });
        // The collection orphans the exited thread's pool, which takes it out of its stack slot.
        schema.GarbageCollect();
        int orphans = schema.OrphanedPoolCount;
        object? adoptedPool = null;
        int adoptedSlot = -1;
        OnThread.Run(() =>
        {
            schema.DeAllocate(schema.Allocate(64, 0), 64, 0);
            adoptedPool = schema.CallersPool;
            adoptedSlot = schema.CallersStackSlot;
        });
        schema.DeAllocate(outlives, 32, 0);
        schema.Retire();

        Assert.True(exitedSlot >= 0, "the first thread's pool held no stack slot");
        Assert.Equal(1, orphans);
        Assert.Same(exitedPool, adoptedPool);
        // Taken over, the pool holds a slot for its new thread's stack: before, it kept the number of the slot it had
        // been taken out of and never claimed one, so its new thread took the thread-static way on every call.
        Assert.True(adoptedSlot >= 0, "the adopted pool holds no stack slot");
    }

    // One schema's whole life on the calling thread: a pool made, used, the schema retired (its allocator disposed) and
    // let go. Half the schemas see their last block freed after the retirement, as a remote free would be.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference UseAndRetire(bool freeAfterRetire, ref string? leftLive)
    {
        var schema = new ThreadPoolSchema();
        nint block = schema.Allocate(32, 0);
        schema.DeAllocate(schema.Allocate(64, 0), 64, 0);
        var pool = new WeakReference(schema.CallersPool ?? throw new InvalidOperationException("no pool after an allocation"));
        if (!freeAfterRetire)
            schema.DeAllocate(block, 32, 0);
        schema.Retire();
        if (freeAfterRetire)
            schema.DeAllocate(block, 32, 0);
        if (schema.NumAllocatedBytes != 0)
            leftLive ??= $"{schema.NumAllocatedBytes} bytes live after every block was freed";
        return pool;
    }
}
