using Memory.Internal;

namespace Memory.Schemas.Pool;

/// <summary>
/// One thread's pool within a <see cref="ThreadPoolSchema"/>, and which thread owns it now. When the thread exits the
/// pool is orphaned: its blocks stay valid, frees of them go to its remote stack, and the schema either hands the
/// pool to the next thread that needs one or, once it is empty, releases it.
/// </summary>
/// <remarks>
/// A thread's calls find its pool by their stack page (<see cref="StackBoundCache"/>), so a thread started on an exited
/// owner's stack may use the pool in the owner's place until the pool is orphaned; orphaning therefore detaches the
/// pool from its stack page first (<see cref="ThreadPoolSet"/>).
/// </remarks>
internal sealed unsafe class ThreadHeap : StackBoundCache, IHeapEntry
{
    private readonly PoolHeapMemory _memory;

    public ThreadHeap(ThreadPoolSet set, PoolHeapMemory memory)
    {
        Set = set;
        _memory = memory;
        Heap = memory.Heap;
    }

    /// <summary>The schema instance the pool belongs to.</summary>
    public ThreadPoolSet Set { get; }

    /// <summary>The pool (kept in a field of its own: the hot path reads it after finding this object).</summary>
    public readonly PoolHeap* Heap;

    /// <summary>The thread that allocates from the pool, or null while the pool is orphaned. Guarded by the set's lock.</summary>
    public Thread? Owner { get; set; }

    /// <inheritdoc />
    public int HeapId => Set.Id;

    /// <inheritdoc />
    public bool HeapIsRetired => Set.IsRetired;

    /// <inheritdoc />
    /// <remarks>Nothing to hand back: a retired schema's pools were trimmed at its retirement, and their live blocks stay.</remarks>
    public void ReturnToRetiredHeap()
    {
    }
}
