using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Memory.Benchmarks.Peers;

namespace Memory.Benchmarks.Workloads;

/// <summary>
/// mimalloc-bench's <c>glibc-simple</c> (glibc's <c>bench-malloc-simple</c>): on one thread, allocate
/// <see cref="Count"/> blocks of <see cref="Size"/> bytes, writing every 4-byte word of each, then free them
/// all; repeat. Small counts stay in thread caches and fast bins; 1600 blocks go past them.
/// </summary>
/// <remarks>
/// The original makes 2,000,000 allocations per (size, count) and runs them on the main thread, on a second
/// thread and again on the main thread; one invocation here is 500,000 allocations on the benchmark thread.
/// </remarks>
public class GlibcSimple : AllocatorBenchmark
{
    private const int AllocationsPerInvocation = 500_000;

    /// <summary>Block size: the original runs 16, 32 and 64.</summary>
    [Params(16, 32, 64)]
    public int Size { get; set; }

    /// <summary>Blocks live at once: the original's 25, 100, 400 and 1600.</summary>
    [Params(25, 100, 400, 1600)]
    public int Count { get; set; }

    /// <inheritdoc/>
    public override WorkloadNeeds Needs => new(Size, Concurrent: false);

    /// <inheritdoc/>
    protected override IWorkloadRun Start<TAllocator, TBlock>()
        => new Run<TAllocator, TBlock>(Size, Count, Math.Max(1, WorkloadScale.Of(AllocationsPerInvocation) / Count));

    private sealed class Run<TAllocator, TBlock>(int size, int count, int rounds) : IWorkloadRun
        where TAllocator : struct, IBenchAllocator<TBlock>
    {
        private readonly TBlock[] _blocks = new TBlock[count];

        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Invoke()
        {
            TBlock[] blocks = _blocks;
            for (int round = 0; round < rounds; round++)
            {
                for (int i = 0; i < blocks.Length; i++)
                {
                    TBlock block = TAllocator.Allocate(size);
                    Span<int> words = MemoryMarshal.Cast<byte, int>(TAllocator.Bytes(block, size));
                    for (int word = 0; word < words.Length; word++)
                        words[word] = word;
                    blocks[i] = block;
                }

                for (int i = 0; i < blocks.Length; i++)
                    TAllocator.Free(blocks[i], size);
            }
        }

        public void Dispose()
        {
            // Every invocation frees what it allocated.
        }
    }
}
