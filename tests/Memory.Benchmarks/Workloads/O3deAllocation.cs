using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Memory.Benchmarks.Peers;

namespace Memory.Benchmarks.Workloads;

/// <summary>
/// O3DE's allocator benchmark (<c>AllocatorBenchmarks.cpp</c>, the allocation fixture): on one thread,
/// allocate <see cref="Count"/> blocks whose sizes cycle through a list of ten, then free them in the same
/// order, passing the size. One invocation is one allocate-all, free-all pass; the memory is not touched.
/// </summary>
/// <remarks>
/// O3DE times the allocations and the frees in two fixtures and pauses the timer around each call; here
/// one invocation times both together, without pauses.
/// </remarks>
public abstract class O3deAllocation : AllocatorBenchmark
{
    /// <summary>Blocks per pass: O3DE's 100, 400 and 1600.</summary>
    [Params(100, 400, 1600)]
    public int Count { get; set; }

    /// <summary>The ten sizes cycled through.</summary>
    protected abstract int[] Sizes { get; }

    /// <inheritdoc/>
    public override WorkloadNeeds Needs => new(Sizes.Max(), Concurrent: false);

    /// <inheritdoc/>
    protected override IWorkloadRun Start<TAllocator, TBlock>() => new Run<TAllocator, TBlock>(Sizes, Count);

    private sealed class Run<TAllocator, TBlock> : IWorkloadRun
        where TAllocator : struct, IBenchAllocator<TBlock>
    {
        private readonly TBlock[] _blocks;
        private readonly int[] _sizes;

        public Run(int[] cycle, int count)
        {
            _blocks = new TBlock[count];
            _sizes = new int[count];
            for (int i = 0; i < count; i++)
                _sizes[i] = cycle[i % cycle.Length];
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Invoke()
        {
            TBlock[] blocks = _blocks;
            int[] sizes = _sizes;
            for (int i = 0; i < blocks.Length; i++)
                blocks[i] = TAllocator.Allocate(sizes[i]);
            for (int i = 0; i < blocks.Length; i++)
            {
                TAllocator.Free(blocks[i], sizes[i]);
                blocks[i] = default!;
            }
        }

        public void Dispose()
        {
            // Every invocation frees what it allocated.
        }
    }
}

/// <summary>O3DE's SMALL sizes: 2 B to 512 B.</summary>
public class O3deSmall : O3deAllocation
{
    private static readonly int[] SmallSizes = [2, 16, 20, 59, 100, 128, 160, 250, 300, 512];

    /// <inheritdoc/>
    protected override int[] Sizes => SmallSizes;
}

/// <summary>O3DE's BIG sizes: 513 B to 2 MiB.</summary>
public class O3deBig : O3deAllocation
{
    private static readonly int[] BigSizes =
        [513, 1 << 10, 2 << 10, 4 << 10, 10 << 10, 64 << 10, 128 << 10, 200 << 10, 1 << 20, 2 << 20];

    /// <inheritdoc/>
    protected override int[] Sizes => BigSizes;
}

/// <summary>O3DE's MIXED sizes: small and big alternating, 2 B to 2 MiB.</summary>
public class O3deMixed : O3deAllocation
{
    private static readonly int[] MixedSizes =
        [2, 1 << 10, 59, 4 << 10, 128, 200 << 10, 250, 1 << 20, 512, 2 << 20];

    /// <inheritdoc/>
    protected override int[] Sizes => MixedSizes;
}
