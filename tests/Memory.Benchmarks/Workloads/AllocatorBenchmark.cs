using BenchmarkDotNet.Attributes;
using Memory.Benchmarks.Peers;

namespace Memory.Benchmarks.Workloads;

/// <summary>
/// A workload run against every allocator: one <c>[Benchmark]</c> per allocator, NativeMemory the baseline,
/// so each workload's table has a Ratio column against glibc through .NET's own API.
/// </summary>
/// <remarks>
/// A workload writes its algorithm once, in a run class generic over the allocator adapter
/// (<see cref="Start{TAllocator, TBlock}"/>), and that class is compiled separately for each allocator, so the
/// allocator calls in its loops are direct. The run is created on the first invocation and kept for the next
/// ones, so state that the original benchmark carries from one step to the next (larson's live blocks,
/// alloc-test's saturated slots) carries over here too; <see cref="Cleanup"/> frees what is left.
/// The other allocators' methods are in <c>Peers/MemoryAllocators.cs</c>.
/// </remarks>
public abstract partial class AllocatorBenchmark
{
    private IWorkloadRun? _run;
    private Type? _runAllocator;

    /// <summary>What the workload asks of an allocator with the current parameters; the filter reads it.</summary>
    public abstract WorkloadNeeds Needs { get; }

    /// <summary>
    /// Runs one invocation of the workload with <typeparamref name="TAllocator"/>, first creating its state.
    /// Public so the smoke and overhead modes can run a workload with any adapter.
    /// </summary>
    public void Invoke<TAllocator, TBlock>()
        where TAllocator : struct, IBenchAllocator<TBlock>
    {
        if (_run is null || _runAllocator != typeof(TAllocator))
        {
            Cleanup();
            _run = Start<TAllocator, TBlock>();
            _runAllocator = typeof(TAllocator);
        }

        _run.Invoke();
    }

    /// <summary>Frees every block the workload still holds and stops its threads.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _run?.Dispose();
        _run = null;
        _runAllocator = null;
    }

    /// <summary>Creates the workload's state for one allocator (threads, slots, warm-up allocations).</summary>
    protected abstract IWorkloadRun Start<TAllocator, TBlock>()
        where TAllocator : struct, IBenchAllocator<TBlock>;

    [Benchmark(Baseline = true), Peer(typeof(NativeMemoryPeer))]
    public void NativeMemory() => Invoke<NativeMemoryPeer, nint>();

    [Benchmark, Peer(typeof(NativeHeapPeer<Glibc>))]
    public void Glibc() => Invoke<NativeHeapPeer<Glibc>, nint>();

    [Benchmark, Peer(typeof(NativeHeapPeer<Mimalloc>))]
    public void Mimalloc() => Invoke<NativeHeapPeer<Mimalloc>, nint>();

    [Benchmark, Peer(typeof(NativeHeapPeer<Jemalloc>))]
    public void Jemalloc() => Invoke<NativeHeapPeer<Jemalloc>, nint>();

    [Benchmark, Peer(typeof(NativeHeapPeer<Tcmalloc>))]
    public void Tcmalloc() => Invoke<NativeHeapPeer<Tcmalloc>, nint>();

    [Benchmark, Peer(typeof(ArrayPoolPeer))]
    public void ArrayPool() => Invoke<ArrayPoolPeer, byte[]>();

    [Benchmark, Peer(typeof(NativeBufferPoolPeer))]
    public void NativeBufferPool() => Invoke<NativeBufferPoolPeer, nint>();

    [Benchmark, Peer(typeof(GcNewPeer))]
    public void GcNew() => Invoke<GcNewPeer, byte[]>();
}

/// <summary>One workload's state for one allocator.</summary>
public interface IWorkloadRun : IDisposable
{
    /// <summary>One measured invocation.</summary>
    /// <remarks>
    /// Every implementation marks this method <c>NoInlining</c> (the smoke run checks it), so that a loop it runs on the
    /// calling thread is compiled as a root of its own, as a program's loop would be. Inlined into BenchmarkDotNet's
    /// one-line benchmark method (the interface call is devirtualized by the profile), the loop got that method's inlining
    /// budget, which scales with the root's size: it ran out part way, and the deepest allocator paths stayed calls (on
    /// SmallMixed, 16 % of <c>PoolAllocator</c>'s samples were in a helper that is always inlined elsewhere, and
    /// mimalloc's peer lost as much). Loops on worker threads are roots already; the rule is kept for every workload so
    /// that a new one cannot miss it.
    /// </remarks>
    void Invoke();
}
