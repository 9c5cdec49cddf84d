using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Memory.Benchmarks.Peers;

namespace Memory.Benchmarks.Workloads;

/// <summary>
/// mimalloc-bench's <c>glibc-thread</c> (glibc's <c>bench-malloc-thread</c>): each thread keeps 1024 slots and,
/// over and over, picks a slot from a table of random offsets, frees its block and puts a new one there, of
/// a size drawn from an inverse-square distribution between 4 B and 32 KiB, and writes every byte of it.
/// </summary>
/// <remarks>
/// The original runs each thread for two seconds and counts iterations; one invocation here is a fixed
/// 250,000 iterations per thread. The tables of sizes (8000) and offsets (4096) are shared by all threads
/// and each thread walks them from the start, as in the original; the slots carry over between invocations.
/// </remarks>
public class GlibcThread : AllocatorBenchmark
{
    private const int IterationsPerThread = 250_000;
    internal const int WorkingSetSize = 1024;
    private const int MinSize = 4;
    private const int MaxSize = 32768;
    private const int RandomSeed = 88;

    internal static readonly int[] BlockSizes = RandomBlockSizes(8000);
    internal static readonly int[] Offsets = RandomOffsets(WorkingSetSize * 4);

    /// <summary>Threads, each with its own working set.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <inheritdoc/>
    public override WorkloadNeeds Needs => new(MaxSize, Concurrent: Threads > 1);

    /// <inheritdoc/>
    protected override IWorkloadRun Start<TAllocator, TBlock>()
        => new Run<TAllocator, TBlock>(Threads, WorkloadScale.Of(IterationsPerThread));

    // Inverse-square distribution on [MinSize, MaxSize], as the original draws it from a uniform number.
    private static int[] RandomBlockSizes(int count)
    {
        var random = new Random(RandomSeed);
        double minPow = 1.0 / MinSize;
        double maxPow = 1.0 / MaxSize;
        var sizes = new int[count];
        for (int i = 0; i < count; i++)
            sizes[i] = (int)(1.0 / ((maxPow - minPow) * random.NextDouble() + minPow));
        return sizes;
    }

    private static int[] RandomOffsets(int count)
    {
        var random = new Random(RandomSeed + 1);
        var offsets = new int[count];
        for (int i = 0; i < count; i++)
            offsets[i] = random.Next(WorkingSetSize);
        return offsets;
    }

    private sealed class Run<TAllocator, TBlock> : IWorkloadRun
        where TAllocator : struct, IBenchAllocator<TBlock>
    {
        private readonly WorkerThreads _workers;
        private readonly WorkingSet[] _sets;
        private readonly int _iterations;
        private readonly Action<int> _step;
        private readonly Action<int> _release;

        public Run(int threads, int iterations)
        {
            _iterations = iterations;
            _sets = new WorkingSet[threads];
            for (int i = 0; i < threads; i++)
                _sets[i] = new WorkingSet();
            _step = Step;
            _release = Release;
            _workers = new WorkerThreads(threads, "glibc-thread");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Invoke() => _workers.Run(_step);

        public void Dispose()
        {
            _workers.Run(_release);
            _workers.Dispose();
        }

        private void Step(int thread)
        {
            WorkingSet set = _sets[thread];
            TBlock[] blocks = set.Blocks;
            int[] sizes = set.Sizes;
            int offsetCursor = set.OffsetCursor;
            int sizeCursor = set.SizeCursor;

            for (int iteration = 0; iteration < _iterations; iteration++)
            {
                offsetCursor = offsetCursor + 1 < Offsets.Length ? offsetCursor + 1 : 0;
                sizeCursor = sizeCursor + 1 < BlockSizes.Length ? sizeCursor + 1 : 0;
                int slot = Offsets[offsetCursor];
                int size = BlockSizes[sizeCursor];

                if (sizes[slot] != 0)
                    TAllocator.Free(blocks[slot], sizes[slot]);

                TBlock block = TAllocator.Allocate(size);
                Span<byte> bytes = TAllocator.Bytes(block, size);
                for (int i = 0; i < bytes.Length; i++)
                    bytes[i] = (byte)i;
                blocks[slot] = block;
                sizes[slot] = size;
            }

            set.OffsetCursor = offsetCursor;
            set.SizeCursor = sizeCursor;
        }

        private void Release(int thread)
        {
            WorkingSet set = _sets[thread];
            for (int slot = 0; slot < WorkingSetSize; slot++)
            {
                if (set.Sizes[slot] != 0)
                    TAllocator.Free(set.Blocks[slot], set.Sizes[slot]);
                set.Blocks[slot] = default!;
                set.Sizes[slot] = 0;
            }
        }

        private sealed class WorkingSet
        {
            public readonly TBlock[] Blocks = new TBlock[WorkingSetSize];
            public readonly int[] Sizes = new int[WorkingSetSize]; // 0: empty slot
            public int OffsetCursor;
            public int SizeCursor;
        }
    }
}
