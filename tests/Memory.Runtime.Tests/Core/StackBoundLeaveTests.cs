using System.Runtime.CompilerServices;
using Memory.Runtime.Tests.Testing;
using Memory.Schemas;

namespace Memory.Runtime.Tests.Core;

/// <summary>
/// A call that finds its thread's cache by stack page marks the cache busy while inside (see
/// <see cref="Internal.StackBoundCache"/>) and must lower the mark on every way out, a refused double free included: a
/// mark left raised would make the cache's retirement wait for a thread that is not there, and give up.
/// </summary>
public sealed class StackBoundLeaveTests
{
    private const int Size = 64;

    [Fact]
    public void A_refused_double_free_on_SystemAllocator_leaves_the_cache() =>
        Assert.False(AfterRefusedDoubleFree(new HphaSchema(), static schema => schema.CallersCacheIsBusy));

    [Fact]
    public void A_refused_double_free_on_HeapAllocator_leaves_the_cache() =>
        Assert.False(AfterRefusedDoubleFree(new HeapSchema(), static schema => schema.CallersCacheIsBusy));

    [Fact]
    public void A_refused_double_free_on_ThreadPoolAllocator_leaves_the_pool() =>
        Assert.False(AfterRefusedDoubleFree(new ThreadPoolSchema(), static schema => schema.CallersPoolIsBusy));

    // On a thread of its own (not the main one, whose cache needs no mark), whether the cache is still marked busy after
    // a double free was refused. The pairs before it bind the cache to the page the frees run on, so the refused free
    // enters by address.
    private static bool AfterRefusedDoubleFree<TSchema>(TSchema schema, Func<TSchema, bool> isBusy)
        where TSchema : struct, IAllocationSchema
    {
        bool busy = true;
        bool refused = false;
        OnThread.Run(() =>
        {
            for (int i = 0; i < 4; i++)
                schema.DeAllocate(schema.Allocate(Size, 0), Size, 0);
            nint block = schema.Allocate(Size, 0);
            schema.DeAllocate(block, Size, 0);
            refused = FreeAgain(schema, block);
            busy = isBusy(schema);
        });
        Assert.True(refused);
        return busy;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool FreeAgain<TSchema>(TSchema schema, nint block)
        where TSchema : struct, IAllocationSchema
    {
        try
        {
            schema.DeAllocate(block, Size, 0);
            return false;
        }
        catch (AllocatorMisuseException)
        {
            return true;
        }
    }
}
