using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Memory.Benchmarks.Peers;

namespace Memory.Benchmarks.Workloads;

/// <summary>
/// mimalloc-bench's <c>alloc-test</c> (OLogN's allocator tester, "full" memory access): each thread owns
/// 2^18 / N slots, fills about half of them, then over and over picks a slot with an 80/20 Pareto skew and
/// either frees its block (after reading every byte) or allocates a new one (writing every byte). Sizes run
/// from 5 B to 1 KiB, each power-of-two class half as likely as the one below it.
/// </summary>
/// <remarks>
/// The original runs 100,000,000 operations per thread; one invocation here is 500,000 per thread, the
/// slots and generator carrying over between invocations. The fill happens before the first invocation and
/// the final read-and-free at cleanup, each on the thread that owns the slots. The original allocates its
/// slot table from the allocator under test; here it is a managed array.
/// </remarks>
public class AllocTest : AllocatorBenchmark
{
    private const int OperationsPerThread = 500_000;
    private const int TotalItems = 1 << 18;
    private const int MaxSizeExponent = 10;
    private const ulong Seed = 41;

    /// <summary>Threads, each with its own slots (every thread starts from the same seed, as in the original).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <inheritdoc/>
    public override WorkloadNeeds Needs => new(1 << MaxSizeExponent, Concurrent: Threads > 1);

    /// <inheritdoc/>
    protected override IWorkloadRun Start<TAllocator, TBlock>()
        => new Run<TAllocator, TBlock>(Threads, WorkloadScale.Of(OperationsPerThread));

    private sealed class Run<TAllocator, TBlock> : IWorkloadRun
        where TAllocator : struct, IBenchAllocator<TBlock>
    {
        private readonly WorkerThreads _workers;
        private readonly Slots[] _slots;
        private readonly int _operations;
        private readonly Action<int> _step;

        public Run(int threads, int operations)
        {
            _operations = operations;
            _slots = new Slots[threads];
            for (int i = 0; i < threads; i++)
                _slots[i] = new Slots(TotalItems / threads);
            _step = Step;
            _workers = new WorkerThreads(threads, "alloc-test");
            _workers.Run(Fill);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Invoke() => _workers.Run(_step);

        public void Dispose()
        {
            _workers.Run(ReleaseAll);
            _workers.Dispose();
        }

        private void Fill(int thread)
        {
            Slots slots = _slots[thread];
            XorShiftRandom random = slots.Random;
            for (int group = 0; group < slots.Count / 32; group++)
            {
                uint bits = random.Next32();
                for (int j = 0; j < 32; j++)
                {
                    if (((bits >> j) & 1) != 0)
                        slots.Allocate(group * 32 + j, ref random);
                }
            }
            slots.Random = random;
        }

        // The generator and the checksum are worked on in locals and stored back at the end: the threads' Slots objects
        // may sit side by side in the managed heap, and writing them there on every operation would make the threads
        // fight over a cache line the original program does not share.
        private void Step(int thread)
        {
            Slots slots = _slots[thread];
            XorShiftRandom random = slots.Random;
            ulong checksum = slots.Checksum;
            for (int i = 0; i < _operations; i++)
            {
                uint r1 = random.Next32();
                uint r2 = random.Next32();
                int index = slots.Pareto.Pick(r1, r2);
                if (slots.Sizes[index] != 0)
                    checksum += slots.Free(index);
                else
                    slots.Allocate(index, ref random);
            }
            slots.Random = random;
            slots.Checksum = checksum;
        }

        private void ReleaseAll(int thread)
        {
            Slots slots = _slots[thread];
            for (int index = 0; index < slots.Count; index++)
            {
                if (slots.Sizes[index] != 0)
                    slots.Checksum += slots.Free(index);
            }
        }

        private sealed class Slots(int count)
        {
            public readonly TBlock[] Blocks = new TBlock[count];
            public readonly int[] Sizes = new int[count]; // 0: empty slot
            public readonly Pareto80206 Pareto = new((uint)count);
            public XorShiftRandom Random = new(Seed);
            public ulong Checksum; // what the reads add up to, kept so they cannot be optimised away

            public int Count => Blocks.Length;

            public void Allocate(int index, ref XorShiftRandom random)
            {
                int size = SizeClassed(random.Next64());
                TBlock block = TAllocator.Allocate(size);
                TAllocator.Bytes(block, size).Fill((byte)size);
                Blocks[index] = block;
                Sizes[index] = size;
            }

            // Reads every byte of the block, frees it and returns what the bytes add up to.
            public ulong Free(int index)
            {
                int size = Sizes[index];
                Span<byte> bytes = TAllocator.Bytes(Blocks[index], size);
                ulong sum = 0;
                foreach (ulong word in MemoryMarshal.Cast<byte, ulong>(bytes))
                    sum += word;
                for (int i = size & ~7; i < size; i++)
                    sum += bytes[i];

                TAllocator.Free(Blocks[index], size);
                Blocks[index] = default!;
                Sizes[index] = 0;
                return sum;
            }
        }
    }

    // The low bits pick a class k with probability 2^-(k+1); the class's size is uniform in (2^(k+2), 2^(k+3)].
    private static int SizeClassed(ulong random)
    {
        const int classBits = MaxSizeExponent - 3;
        uint classBase = (uint)(random & ((1u << classBits) - 1)) + 1;
        random >>= classBits;
        int exponent = BitOperations.TrailingZeroCount(classBase) + 2;
        return (int)(random & ((1ul << exponent) - 1)) + 1 + (1 << exponent);
    }
}

/// <summary>alloc-test's generator: xorshift state, output multiplied by a 64-bit odd constant.</summary>
public struct XorShiftRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The next 32 random bits.</summary>
    public uint Next32()
    {
        ulong result = _state * 0xd989bcacc137dcd5ul;
        _state ^= _state >> 11;
        _state ^= _state << 31;
        _state ^= _state >> 18;
        return (uint)(result >> 32);
    }

    /// <summary>The next 64 random bits, from two 32-bit draws.</summary>
    public ulong Next64() => ((ulong)Next32() << 32) + Next32();
}

/// <summary>
/// alloc-test's 80/20 skew over slots, six levels deep: slots are split into seven ranges whose sizes and
/// probabilities follow 0.8/0.2 powers, so a small part of the slots sees most of the traffic.
/// </summary>
public sealed class Pareto80206
{
    private static readonly double[] Probabilities =
        [0.262144, 0.393216, 0.245760, 0.081920, 0.015360, 0.001536, 0.000064];

    private readonly uint[] _thresholds = new uint[6];
    private readonly uint[] _offsets = new uint[8];

    /// <summary>Prepares the ranges for <paramref name="items"/> slots.</summary>
    public Pareto80206(uint items)
    {
        _thresholds[0] = (uint)(uint.MaxValue * Probabilities[0]);
        for (int i = 1; i < 5; i++)
            _thresholds[i] = _thresholds[i - 1] + (uint)(uint.MaxValue * Probabilities[i]);
        _thresholds[5] = (uint)(uint.MaxValue * (1.0 - Probabilities[6]));

        _offsets[7] = items;
        for (int i = 0; i < 6; i++)
            _offsets[i + 1] = _offsets[i] + (uint)(items * Probabilities[6 - i]);
    }

    /// <summary>A slot index from two random numbers: the first picks the range, the second the slot in it.</summary>
    public int Pick(uint r1, uint r2)
    {
        int range = 6;
        for (int i = 0; i < 6; i++)
        {
            if (r1 < _thresholds[i])
            {
                range = i;
                break;
            }
        }
        uint width = _offsets[range + 1] - _offsets[range];
        return (int)(_offsets[range] + r2 % width);
    }
}
