using System.Diagnostics;
using System.Runtime.InteropServices;
using Memory.Benchmarks.Peers;
using Memory.Benchmarks.Workloads;

namespace Memory.Benchmarks.Modes;

/// <summary>
/// <c>--heap-sharing [threads]</c>: glibc-thread's loop on several threads at once, with every thread on one
/// <see cref="SystemAllocator"/> against every thread on a <see cref="SystemAllocator"/> of its own, and NativeMemory as
/// the baseline, in alternating samples of one process (see <see cref="InterleavedSamples"/>).
/// </summary>
/// <remarks>
/// The threads never free each other's blocks, so the two layouts differ only in what the threads share: the buckets'
/// locks, their pages and the pages' cache lines. What one heap costs over one heap per thread is the price of that
/// sharing; on two cores its locks turned out to be the smaller part (docs/benchmarks.md, seventh round).
/// </remarks>
public static unsafe class HeapSharing
{
    private const int IterationsPerSample = 25_000;

    /// <summary>Prints one line per layout; <paramref name="args"/> may give the thread count (2 when not).</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        int threads = args.Count > 0 ? int.Parse(args[0]) : 2;
        using SystemAllocator shared = ComparedAllocators.Create<SystemAllocator>();
        SystemAllocator[] own = [.. Enumerable.Range(0, threads).Select(_ => ComparedAllocators.Create<SystemAllocator>())];
        try
        {
            // Disposed before the allocators: each layout's threads free their last blocks on the way out.
            using var native = new Layout(threads, _ => null);
            using var oneHeap = new Layout(threads, _ => shared);
            using var heapPerThread = new Layout(threads, thread => own[thread]);

            var results = InterleavedSamples.Compare(native.Sample, [oneHeap.Sample, heapPerThread.Sample], out double baseline);
            Console.WriteLine($"glibc-thread loop, {threads} threads, NativeMemory p10 {baseline:F1} ns per operation:");
            Print("SystemAllocator, one heap", results[0]);
            Print("SystemAllocator, one per thread", results[1]);
        }
        finally
        {
            foreach (SystemAllocator allocator in own)
                allocator.Dispose();
        }
        return 0;
    }

    private static void Print(string name, InterleavedSamples.Comparison result)
        => Console.WriteLine($"  {name,-32} ratio {result.Median:F2} (quartiles {result.LowQuartile:F2}-{result.HighQuartile:F2}), " +
            $"p10 {result.FastNanoseconds:F1} ns");

    // The threads of one layout, each with its slots and its allocator (null: NativeMemory), kept from sample to
    // sample as the workload keeps them from one invocation to the next.
    private sealed class Layout : IDisposable
    {
        private readonly WorkerThreads _workers;
        private readonly SystemAllocator?[] _allocators;
        private readonly nint[][] _blocks;
        private readonly int[] _cursors;
        private readonly Action<int> _step;
        private readonly Action<int> _release;

        public Layout(int threads, Func<int, SystemAllocator?> allocatorOf)
        {
            _allocators = [.. Enumerable.Range(0, threads).Select(allocatorOf)];
            _blocks = [.. Enumerable.Range(0, threads).Select(_ => new nint[GlibcThread.WorkingSetSize])];
            _cursors = new int[threads];
            _step = Step;
            _release = Release;
            _workers = new WorkerThreads(threads, "heap-sharing");
        }

        // One sample: nanoseconds per operation (a free and an allocation), all threads at once.
        public double Sample()
        {
            long start = Stopwatch.GetTimestamp();
            _workers.Run(_step);
            return Stopwatch.GetElapsedTime(start).TotalNanoseconds / IterationsPerSample;
        }

        public void Dispose()
        {
            _workers.Run(_release);
            _workers.Dispose();
        }

        private void Step(int thread)
        {
            SystemAllocator? allocator = _allocators[thread];
            nint[] blocks = _blocks[thread];
            int cursor = _cursors[thread];
            for (int i = 0; i < IterationsPerSample; i++, cursor++)
            {
                int slot = GlibcThread.Offsets[cursor % GlibcThread.Offsets.Length];
                int size = GlibcThread.BlockSizes[cursor % GlibcThread.BlockSizes.Length];
                Free(allocator, blocks[slot]);
                nint block = allocator is null ? (nint)NativeMemory.Alloc((nuint)size) : allocator.Allocate(size);
                new Span<byte>((void*)block, size).Fill((byte)i);
                blocks[slot] = block;
            }
            _cursors[thread] = cursor;
        }

        private void Release(int thread)
        {
            nint[] blocks = _blocks[thread];
            for (int slot = 0; slot < blocks.Length; slot++)
            {
                Free(_allocators[thread], blocks[slot]);
                blocks[slot] = 0;
            }
        }

        private static void Free(SystemAllocator? allocator, nint block)
        {
            if (block == 0)
                return;
            if (allocator is null)
                NativeMemory.Free((void*)block);
            else
                allocator.DeAllocate(block);
        }
    }
}
