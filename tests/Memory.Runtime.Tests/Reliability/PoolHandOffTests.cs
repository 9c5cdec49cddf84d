namespace Memory.Runtime.Tests.Reliability;

/// <summary>
/// Item 6 of the reliability work: <see cref="AllocatorManager.GarbageCollect"/> from one thread while a
/// <see cref="PoolAllocator"/> handed to another thread is in use there. The pool used to trim when the collecting
/// thread matched the last thread that took a page, a field the hot paths never update, so after a hand-off the old
/// thread trimmed under the new one: the same block handed out twice, contents overwritten, a NullReferenceException
/// out of GarbageCollect or a hang, within 5 to 1,021 hand-offs. This test, run against the code before the fix, found
/// a block overwritten at hand-off 79 of 400. Now the manager only asks, and the pool's thread trims.
/// </summary>
public sealed class PoolHandOffTests
{
    private const int HandOffs = 400;

    [Fact]
    public void Collecting_every_allocator_while_a_handed_off_pool_works_corrupts_nothing()
    {
        using var pool = new PoolAllocator($"HandOff.{Guid.NewGuid():N}", Memory.Schemas.PoolSchemaOptions.Default);
        for (int round = 0; round < HandOffs; round++)
        {
            // The collecting thread uses the pool first, as the last thread that took pages; the worker then runs on
            // the pages it left, on fast paths that record no thread.
            var warm = Enumerable.Range(0, 600).Select(i => pool.Allocate(8 + (i % 8) * 56)).ToArray();
            foreach (nint block in warm)
                pool.DeAllocate(block);
            Exception? failure = null;
            int handOff = round;
            var worker = new Thread(() =>
            {
                try
                {
                    UseThePool(pool, handOff);
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            worker.Start();
            while (worker.IsAlive)
                AllocatorManager.GarbageCollect();
            Assert.True(worker.Join(TimeSpan.FromSeconds(10)), $"hand-off {round} did not finish");
            Assert.Null(failure);
        }
        pool.GarbageCollect();
        Assert.Equal(0, pool.NumAllocatedBytes);
    }

    private static unsafe void UseThePool(PoolAllocator pool, int round)
    {
        var blocks = new nint[16];
        for (int pass = 0; pass < 50; pass++)
        {
            for (int i = 0; i < blocks.Length; i++)
            {
                blocks[i] = pool.Allocate(8 + (i % 8) * 56);
                *(int*)blocks[i] = i ^ pass;
            }
            if (blocks.Distinct().Count() != blocks.Length)
                throw new InvalidOperationException($"hand-off {round}: a block was handed out twice");
            for (int i = 0; i < blocks.Length; i++)
            {
                if (*(int*)blocks[i] != (i ^ pass))
                    throw new InvalidOperationException($"hand-off {round}: block {i} was overwritten");
                pool.DeAllocate(blocks[i]);
            }
        }
    }
}
