using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Memory.Benchmarks.Peers;

namespace Memory.Benchmarks.Workloads;

/// <summary>
/// Small blocks of mixed sizes, as a game's or a parser's small objects come and go: 1,000 blocks live, and over and
/// over a random one of them is freed and replaced by a block of a random size from 16 to 512 bytes, whose first
/// and last bytes are written. The pools' home ground, where a size-bucketed free list is what they replace.
/// </summary>
/// <remarks>One invocation is 500,000 replacements; the blocks carry over between invocations.</remarks>
public class SmallMixed : AllocatorBenchmark
{
    private const int Replacements = 500_000;
    private const int LiveBlocks = 1000;
    private const int MinSize = 16;
    private const int MaxSize = 512;
    private const ulong Seed = 1234567;

    /// <inheritdoc/>
    public override WorkloadNeeds Needs => new(MaxSize, Concurrent: false);

    /// <inheritdoc/>
    protected override IWorkloadRun Start<TAllocator, TBlock>()
        => new Run<TAllocator, TBlock>(WorkloadScale.Of(Replacements));

    private sealed class Run<TAllocator, TBlock> : IWorkloadRun
        where TAllocator : struct, IBenchAllocator<TBlock>
    {
        private readonly TBlock[] _blocks = new TBlock[LiveBlocks];
        private readonly int[] _sizes = new int[LiveBlocks];
        private readonly int _replacements;
        private XorShiftRandom _random = new(Seed);

        public Run(int replacements)
        {
            _replacements = replacements;
            for (int i = 0; i < LiveBlocks; i++)
                Allocate(i, _random.Next32());
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Invoke()
        {
            for (int i = 0; i < _replacements; i++)
            {
                uint random = _random.Next32();
                int slot = (int)((random & 0xFFFF) % LiveBlocks);
                TAllocator.Free(_blocks[slot], _sizes[slot]);
                Allocate(slot, random >> 16);
            }
        }

        public void Dispose()
        {
            for (int i = 0; i < LiveBlocks; i++)
                TAllocator.Free(_blocks[i], _sizes[i]);
        }

        private void Allocate(int slot, uint random)
        {
            int size = MinSize + (int)(random % (MaxSize - MinSize + 1));
            TBlock block = TAllocator.Allocate(size);
            Span<byte> bytes = TAllocator.Bytes(block, size);
            bytes[0] = (byte)slot;
            bytes[size - 1] = (byte)slot;
            _blocks[slot] = block;
            _sizes[slot] = size;
        }
    }
}
