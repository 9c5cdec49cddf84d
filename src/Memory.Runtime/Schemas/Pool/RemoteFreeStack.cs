using System.Runtime.InteropServices;

namespace Memory.Schemas.Pool;

/// <summary>
/// The blocks other threads have freed into a pool: a lock-free stack (Treiber) that any thread pushes onto and
/// only the owning thread empties, all at once, by swapping the head for null.
/// </summary>
/// <remarks>
/// <para>
/// Taking the whole stack with one exchange means there is no single-element pop, so the ABA problem of
/// lock-free stacks cannot arise: a pushed block is never seen by another pusher after it has been taken.
/// </para>
/// <para>
/// The bytes and blocks freed here are counted in <see cref="FreedBytes"/> and <see cref="Frees"/> the moment a block is pushed, and the owner
/// counts its own allocations and frees separately, so the pool's live bytes (allocated minus freed here) are
/// exact at every instant without the owner touching a shared counter on its hot path.
/// The pusher counts before it pushes: once the block is on the stack the owner may drain it, free the page and,
/// for a pool whose thread has exited, release the pool's memory, so the pusher must not touch the pool after.
/// </para>
/// <para>The struct fills a cache line and the pool places it on a line of its own, so pushers never contend with the owner's fields.</para>
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct RemoteFreeStack
{
    [FieldOffset(0)]
    private nint _head;

    [FieldOffset(8)]
    private long _freedBytes;

    [FieldOffset(16)]
    private long _frees;

    /// <summary>Bytes freed through this stack since the pool was made.</summary>
    public long FreedBytes => Volatile.Read(ref _freedBytes);

    /// <summary>Blocks freed through this stack since the pool was made.</summary>
    public long Frees => Volatile.Read(ref _frees);

    /// <summary>Whether any block waits to be drained.</summary>
    public bool HasBlocks => Volatile.Read(ref _head) != 0;

    /// <summary>Whether <paramref name="block"/> is the block pushed last: a second free of it, caught before it links to itself.</summary>
    public bool IsLatest(nint block) => Volatile.Read(ref _head) == block;

    /// <summary>Pushes a block freed by a thread that does not own its page. Any thread.</summary>
    public unsafe void Push(nint block, int blockSize)
    {
        Interlocked.Add(ref _freedBytes, blockSize);
        Interlocked.Increment(ref _frees);
        nint head = Volatile.Read(ref _head);
        while (true)
        {
            *(nint*)block = head;
            nint seen = Interlocked.CompareExchange(ref _head, block, head);
            if (seen == head)
                return;
            head = seen;
        }
    }

    /// <summary>The block pushed before <paramref name="block"/> in a list <see cref="TakeAll"/> returned, or 0.</summary>
    public static unsafe nint Next(nint block) => *(nint*)block;

    /// <summary>Takes every pushed block, as a list linked through the blocks' first words. Owner only.</summary>
    public nint TakeAll() => Volatile.Read(ref _head) == 0 ? 0 : Interlocked.Exchange(ref _head, 0);
}
