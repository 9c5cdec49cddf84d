namespace Memory.Benchmarks.Peers;

/// <summary>
/// One allocator under comparison, as the workloads see it: allocate, free, and the bytes of a block.
/// </summary>
/// <remarks>
/// Every member is static and every implementation is a struct, so a workload written as
/// <c>Run&lt;TAllocator, TBlock&gt;</c> is compiled once per allocator and calls it directly: no interface
/// dispatch, no delegate, no boxing on the measured path. <typeparamref name="TBlock"/> is how the allocator
/// names a block: a pointer (<see cref="nint"/>) for native heaps, a <c>byte[]</c> for the managed peers.
/// Workloads never pass an empty block to <see cref="Free"/>, and always pass the size they asked for.
/// </remarks>
/// <typeparam name="TBlock">The allocator's handle to a block.</typeparam>
public interface IBenchAllocator<TBlock>
{
    /// <summary>What the allocator can do, and whether it is present on this machine.</summary>
    static abstract PeerTraits Traits { get; }

    /// <summary>Allocates <paramref name="size"/> bytes; never fails in a benchmark (a null block throws).</summary>
    static abstract TBlock Allocate(int size);

    /// <summary>Returns a block of <paramref name="size"/> bytes from <see cref="Allocate"/>.</summary>
    static abstract void Free(TBlock block, int size);

    /// <summary>The first <paramref name="size"/> bytes of a live block, for workloads that touch memory.</summary>
    static abstract Span<byte> Bytes(TBlock block, int size);
}

/// <summary>
/// What a peer can be given. The benchmark filter leaves out a workload a peer cannot run (a pool asked for
/// 2 MiB, an allocator that is not thread-safe asked to serve two threads at once, a library not installed),
/// so the table has an empty cell instead of a failed run.
/// </summary>
/// <param name="Name">The name in reports.</param>
/// <param name="MaxBlockSize">The largest request it serves.</param>
/// <param name="IsThreadSafe">Whether two threads may call it at the same time (and free each other's blocks).</param>
/// <param name="Unavailable">Why it cannot run on this machine, or null when it can.</param>
public sealed record PeerTraits(string Name, int MaxBlockSize, bool IsThreadSafe, string? Unavailable = null)
{
    /// <summary>Whether the peer can run a workload with these needs.</summary>
    public bool CanRun(WorkloadNeeds needs)
        => Unavailable is null
            && needs.MaxBlockSize <= MaxBlockSize
            && (!needs.Concurrent || IsThreadSafe);
}

/// <summary>What a workload, with its parameters set, asks of an allocator.</summary>
/// <param name="MaxBlockSize">The largest block it requests.</param>
/// <param name="Concurrent">Whether two threads allocate or free at the same time.</param>
public readonly record struct WorkloadNeeds(int MaxBlockSize, bool Concurrent);

/// <summary>
/// Links a <c>[Benchmark]</c> method to the adapter it runs, so the filter can read the adapter's
/// <see cref="IBenchAllocator{TBlock}.Traits"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PeerAttribute(Type adapter) : Attribute
{
    /// <summary>The adapter type: a struct implementing <see cref="IBenchAllocator{TBlock}"/>.</summary>
    public Type Adapter { get; } = adapter;
}
