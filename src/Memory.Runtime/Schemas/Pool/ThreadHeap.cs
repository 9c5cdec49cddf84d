namespace Memory.Schemas.Pool;

/// <summary>
/// One thread's pool within a <see cref="ThreadPoolSchema"/>, and which thread owns it now. When the thread exits the
/// pool is orphaned: its blocks stay valid, frees of them go to its remote stack, and the schema either hands the
/// pool to the next thread that needs one or, once it is empty, releases it.
/// </summary>
internal sealed unsafe class ThreadHeap
{
    private readonly PoolHeapMemory _memory;

    public ThreadHeap(ThreadPoolSet set, PoolHeapMemory memory)
    {
        Set = set;
        _memory = memory;
    }

    /// <summary>The schema instance the pool belongs to.</summary>
    public ThreadPoolSet Set { get; }

    /// <summary>The pool.</summary>
    public PoolHeap* Heap => _memory.Heap;

    /// <summary>The thread that allocates from the pool, or null while the pool is orphaned. Guarded by the set's lock.</summary>
    public Thread? Owner { get; set; }
}
