using Memory.Runtime.Tests.Testing;
using Memory.Runtime.Tests.Tracking.Probe;
using Memory.Schemas;
using Memory.Schemas.Hpha;

namespace Memory.Runtime.Tests.Core;

/// <summary>
/// A long-lived thread's caches of a heap whose allocator was disposed on another thread go back when the thread adds a
/// cache of another heap: their blocks return, and the retired heap releases the chunks they kept reserved (see
/// <see cref="Internal.ThreadCacheList{TCache}"/>). Without that, a thread-pool worker keeps every disposed allocator's
/// chunks for as long as it lives.
/// </summary>
public sealed class RetiredHeapCacheTests
{
    private const int Blocks = 64;
    private const int BlockSize = 64;
    private const int Heaps = 20;

    [Fact]
    public void SystemAllocator_heaps() => Check(static () => new HphaSchema(), static () => HphaThreadCaches.CountForTests);

    [Fact]
    public void HeapAllocator_heaps() => Check(static () => new HeapSchema(), static () => HeapThreadCaches.CountForTests);

    private static void Check<TSchema>(Func<TSchema> create, Func<int> cachesOfThread)
        where TSchema : struct, IAllocationSchema
    {
        using var worker = new StepThread();
        var retired = new List<TSchema>();
        for (int i = 0; i < Heaps; i++)
        {
            TSchema schema = create();
            // The worker's frees stay in its cache of the heap.
            worker.Run(() => Churn(schema));
            Assert.Equal(0, schema.NumAllocatedBytes);

            // Disposed here, as an allocator's owner would: the worker's cache still holds blocks, so chunks stay.
            schema.Retire();
            Assert.True(schema.ReservedBytes > 0, "the worker's cache kept nothing reserved, so this test shows nothing");
            retired.Add(schema);
        }

        TSchema live = create();
        int caches = worker.Run(() =>
        {
            Churn(live);
            return cachesOfThread();
        });

        Assert.Equal(1, caches);
        foreach (TSchema schema in retired)
        {
            Assert.Equal(0, schema.NumAllocatedBytes);
            Assert.Equal(0, schema.ReservedBytes);
        }
        Assert.True(live.ReservedBytes > 0);
    }

    [Fact]
    public void SystemAllocator_free_after_dispose() => CheckFreeAfterDispose(static () => new HphaSchema());

    [Fact]
    public void HeapAllocator_free_after_dispose() => CheckFreeAfterDispose(static () => new HeapSchema());

    // A block outlives its allocator's dispose and is freed on the worker after the worker gave its cache back: the free
    // is counted, and the cache it lands in goes back at the worker's next new cache too.
    private static void CheckFreeAfterDispose<TSchema>(Func<TSchema> create)
        where TSchema : struct, IAllocationSchema
    {
        using var worker = new StepThread();
        TSchema schema = create();
        nint outlives = worker.Run(() =>
        {
            Churn(schema);
            return schema.Allocate(BlockSize, 0);
        });
        schema.Retire();
        worker.Run(() => Churn(create()));

        worker.Run(() => schema.DeAllocate(outlives, BlockSize, 0));
        Assert.Equal(0, schema.NumAllocatedBytes);
        worker.Run(() => Churn(create()));

        Assert.Equal(0, schema.NumAllocatedBytes);
        Assert.Equal(0, schema.ReservedBytes);
    }

    [Theory]
    [InlineData("System")]
    [InlineData("Heap")]
    public void On_the_main_thread_a_free_after_the_give_back_is_counted_and_collected(string kind)
    {
        var result = ChildProcess.Run(ProbeProgram.RetiredHeapMainThread, [kind]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(RetiredHeapMainThreadProbe.Exact, result.Output);
    }

    private static void Churn<TSchema>(TSchema schema)
        where TSchema : struct, IAllocationSchema
    {
        var blocks = new nint[Blocks];
        for (int i = 0; i < Blocks; i++)
            blocks[i] = schema.Allocate(BlockSize, 0);
        foreach (nint block in blocks)
            schema.DeAllocate(block, BlockSize, 0);
    }
}
