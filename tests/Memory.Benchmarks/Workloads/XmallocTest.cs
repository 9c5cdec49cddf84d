using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Memory.Benchmarks.Peers;

namespace Memory.Benchmarks.Workloads;

/// <summary>
/// mimalloc-bench's <c>xmalloc-test</c> (Lever and Boreham's producer/consumer test) with its arguments
/// <c>-w N -s 64</c>: N allocating threads fill batches of 4096 blocks of 64 bytes (setting the first 64 bytes
/// of each) and push them on a shared stack of at most 100 batches; N releasing threads pop batches and free
/// every block. Every block is freed by a thread other than the one that allocated it.
/// </summary>
/// <remarks>
/// The original runs for five seconds and reports frees per second; one invocation here is a fixed 64 batches
/// per allocating thread (262,144 blocks each), released by the N releasing threads. The original also
/// allocates each batch's 32 KiB pointer array from the allocator under test; here the arrays are reused
/// managed arrays, so a size-class allocator limited to small blocks (a pool) can run the workload too, and
/// the measured requests are exactly the 64-byte blocks.
/// </remarks>
public class XmallocTest : AllocatorBenchmark
{
    private const int ObjectSize = 64;
    private const int ObjectsPerBatch = 4096;
    private const int BatchLimit = 100;
    private const int BatchesPerAllocatingThread = 64;

    /// <summary>Allocating threads; as many releasing threads run beside them.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <inheritdoc/>
    public override WorkloadNeeds Needs => new(ObjectSize, Concurrent: true);

    /// <inheritdoc/>
    protected override IWorkloadRun Start<TAllocator, TBlock>()
        => new Run<TAllocator, TBlock>(Threads, WorkloadScale.Of(BatchesPerAllocatingThread));

    private sealed class Run<TAllocator, TBlock> : IWorkloadRun
        where TAllocator : struct, IBenchAllocator<TBlock>
    {
        private readonly WorkerThreads _workers;
        private readonly BatchStack<TBlock> _stack = new(BatchLimit, ObjectsPerBatch);
        private readonly int _allocating;
        private readonly int _batchesPerThread;
        private readonly Action<int> _step;

        public Run(int allocatingThreads, int batchesPerThread)
        {
            _allocating = allocatingThreads;
            _batchesPerThread = batchesPerThread;
            _step = Step;
            _workers = new WorkerThreads(2 * allocatingThreads, "xmalloc-test");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Invoke()
        {
            _stack.Begin(_allocating);
            _workers.Run(_step);
        }

        public void Dispose()
        {
            // Releasers drain the stack in every invocation: nothing is left.
            _workers.Dispose();
        }

        private void Step(int thread)
        {
            if (thread < _allocating)
                Allocate();
            else
                Release();
        }

        private void Allocate()
        {
            try
            {
                for (int b = 0; b < _batchesPerThread; b++)
                {
                    TBlock[] batch = _stack.RentBatch();
                    for (int i = 0; i < batch.Length; i++)
                    {
                        TBlock block = TAllocator.Allocate(ObjectSize);
                        TAllocator.Bytes(block, ObjectSize).Fill((byte)i);
                        batch[i] = block;
                    }
                    _stack.Push(batch);
                }
            }
            finally
            {
                // Even after a failure, so the releasing threads stop instead of waiting forever.
                _stack.ProducerDone();
            }
        }

        private void Release()
        {
            while (_stack.Pop() is { } batch)
            {
                for (int i = 0; i < batch.Length; i++)
                {
                    TAllocator.Free(batch[i], ObjectSize);
                    batch[i] = default!;
                }
                _stack.ReturnBatch(batch);
            }
        }
    }
}

/// <summary>
/// xmalloc-test's shared stack of batches: bounded, last in first out, guarded by one lock; producers wait
/// when it is full, consumers when it is empty, and consumers stop when every producer is done and it is empty.
/// Batch arrays are recycled so the stack itself allocates nothing in steady state.
/// </summary>
/// <typeparam name="TBlock">The allocator's block handle.</typeparam>
public sealed class BatchStack<TBlock>(int limit, int batchSize)
{
    private readonly Stack<TBlock[]> _full = new();
    private readonly Stack<TBlock[]> _empty = new();
    private int _producersLeft;

    /// <summary>Starts a round with <paramref name="producers"/> producers.</summary>
    public void Begin(int producers)
    {
        lock (_full)
            _producersLeft = producers;
    }

    /// <summary>An empty batch array.</summary>
    public TBlock[] RentBatch()
    {
        lock (_empty)
            return _empty.Count > 0 ? _empty.Pop() : new TBlock[batchSize];
    }

    /// <summary>Gives back a batch array after its blocks were freed.</summary>
    public void ReturnBatch(TBlock[] batch)
    {
        lock (_empty)
            _empty.Push(batch);
    }

    /// <summary>Pushes a full batch, waiting while the stack holds <c>limit</c> batches.</summary>
    public void Push(TBlock[] batch)
    {
        lock (_full)
        {
            while (_full.Count >= limit)
                Monitor.Wait(_full);
            _full.Push(batch);
            Monitor.PulseAll(_full);
        }
    }

    /// <summary>Marks one producer finished.</summary>
    public void ProducerDone()
    {
        lock (_full)
        {
            _producersLeft--;
            Monitor.PulseAll(_full);
        }
    }

    /// <summary>Pops a full batch, waiting for one; null when the producers are done and nothing is left.</summary>
    public TBlock[]? Pop()
    {
        lock (_full)
        {
            while (_full.Count == 0)
            {
                if (_producersLeft == 0)
                    return null;
                Monitor.Wait(_full);
            }
            TBlock[] batch = _full.Pop();
            Monitor.PulseAll(_full);
            return batch;
        }
    }
}
