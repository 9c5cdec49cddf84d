using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using BenchmarkDotNet.Attributes;
using Memory.Benchmarks.Peers;

namespace Memory.Benchmarks.Workloads;

/// <summary>
/// mimalloc-bench's <c>larson</c> (Larson and Krishnan's server simulation), with its arguments
/// <c>5 8 1000 5000 100 4141 N</c>: each thread owns 5000 slots and 100 x 5000 times frees a random slot's
/// block and allocates a new one of 8–999 bytes, writing its first two bytes; then the thread exits and a new
/// thread carries on with the same slots. Blocks are freed by a different thread than the one that allocated
/// them, which is what larson measures.
/// </summary>
/// <remarks>
/// Before the first invocation, the main thread allocates every slot, shuffles them and replaces random ones
/// four times over (the original's warm-up). One invocation is one generation of threads: each of
/// <see cref="Threads"/> new threads does its 500,000 replacements and exits. The original repeats generations
/// for five seconds and reports the rate.
/// </remarks>
public class Larson : AllocatorBenchmark
{
    private const int MinSize = 8;
    private const int MaxSize = 1000;
    private const int ChunksPerThread = 5000;
    private const int Rounds = 100;
    private const int Seed = 4141;

    /// <summary>Threads in each generation.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <inheritdoc/>
    public override WorkloadNeeds Needs => new(MaxSize, Concurrent: Threads > 1);

    /// <inheritdoc/>
    protected override IWorkloadRun Start<TAllocator, TBlock>()
        => new Run<TAllocator, TBlock>(Threads, WorkloadScale.Of(Rounds * ChunksPerThread));

    private sealed class Run<TAllocator, TBlock> : IWorkloadRun
        where TAllocator : struct, IBenchAllocator<TBlock>
    {
        private readonly TBlock[] _blocks;
        private readonly int[] _sizes;
        private readonly Lran2[] _threadRandom;
        private readonly int _threads;
        private readonly int _replacementsPerThread;

        public Run(int threads, int replacementsPerThread)
        {
            _threads = threads;
            _replacementsPerThread = replacementsPerThread;
            int chunks = threads * ChunksPerThread;
            _blocks = new TBlock[chunks];
            _sizes = new int[chunks];

            var random = new Lran2(Seed);
            for (int i = 0; i < chunks; i++)
            {
                _sizes[i] = RandomSize(ref random);
                _blocks[i] = TAllocator.Allocate(_sizes[i]);
            }

            for (int remaining = chunks; remaining > 0; remaining--)
            {
                int victim = (int)(random.Next() % remaining);
                (_blocks[victim], _blocks[remaining - 1]) = (_blocks[remaining - 1], _blocks[victim]);
                (_sizes[victim], _sizes[remaining - 1]) = (_sizes[remaining - 1], _sizes[victim]);
            }

            for (int i = 0; i < 4 * chunks; i++)
            {
                int victim = (int)(random.Next() % chunks);
                TAllocator.Free(_blocks[victim], _sizes[victim]);
                _sizes[victim] = RandomSize(ref random);
                _blocks[victim] = TAllocator.Allocate(_sizes[victim]);
            }

            // Each thread slot's generator is seeded from the main one and carries on across generations.
            _threadRandom = new Lran2[threads];
            for (int i = 0; i < threads; i++)
                _threadRandom[i] = new Lran2(random.Next());
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Invoke()
        {
            var generation = new Thread[_threads];
            Exception? failure = null;
            for (int i = 0; i < _threads; i++)
            {
                int index = i;
                generation[i] = new Thread(() =>
                {
                    try
                    {
                        Exercise(index);
                    }
                    catch (Exception e)
                    {
                        Interlocked.CompareExchange(ref failure, e, null);
                    }
                })
                { Name = $"larson {i}" };
                generation[i].Start();
            }
            foreach (var thread in generation)
                thread.Join();
            if (failure is not null)
                ExceptionDispatchInfo.Throw(failure);
        }

        public void Dispose()
        {
            for (int i = 0; i < _blocks.Length; i++)
            {
                if (_sizes[i] != 0)
                    TAllocator.Free(_blocks[i], _sizes[i]);
                _sizes[i] = 0;
                _blocks[i] = default!;
            }
        }

        private static int RandomSize(ref Lran2 random) => MinSize + (int)(random.Next() % (MaxSize - MinSize));

        private void Exercise(int thread)
        {
            var blocks = new Span<TBlock>(_blocks, thread * ChunksPerThread, ChunksPerThread);
            var sizes = new Span<int>(_sizes, thread * ChunksPerThread, ChunksPerThread);
            // A copy on this thread's stack, stored back at the end: the threads' generators sit side by side in one array,
            // and advancing them there on every draw would make the threads fight over a cache line the original does not share.
            Lran2 random = _threadRandom[thread];

            for (int i = 0; i < _replacementsPerThread; i++)
            {
                int victim = (int)(random.Next() % ChunksPerThread);
                TAllocator.Free(blocks[victim], sizes[victim]);

                int size = RandomSize(ref random);
                TBlock block = TAllocator.Allocate(size);
                blocks[victim] = block;
                sizes[victim] = size;

                // "Write something!": the original writes the first byte, reads it back, writes the second.
                Span<byte> bytes = TAllocator.Bytes(block, 2);
                bytes[0] = (byte)'a';
                bytes[1] = (byte)(bytes[0] + 1);
            }
            _threadRandom[thread] = random;
        }
    }
}
