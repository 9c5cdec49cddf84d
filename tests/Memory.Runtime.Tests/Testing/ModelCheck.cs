using System.Runtime.InteropServices;

namespace Memory.Runtime.Tests.Testing;

/// <summary>What <see cref="ModelCheck.Run"/> asks of an allocator.</summary>
public sealed record ModelCheckOptions
{
    /// <summary>The size of the next allocation or reallocation. Default: 1 to 1024 bytes.</summary>
    public Func<Random, nint> NextSize { get; init; } = static random => random.Next(1, 1025);

    /// <summary>The alignment of the next allocation or reallocation (0 or a power of two). Default: always 0.</summary>
    public Func<Random, nint> NextAlignment { get; init; } = static _ => 0;

    /// <summary>The alignment every block must have when 0 was asked for. Default 1 (no check).</summary>
    public nint DefaultAlignment { get; init; } = 1;

    /// <summary>The most blocks live at once; the walk drifts between empty and this. Default 1000.</summary>
    public int MaxLiveBlocks { get; init; } = 1000;

    /// <summary>Of the operations that are not allocations, the share that reallocate rather than free. Default 0.3.</summary>
    public double ReAllocateShare { get; init; } = 0.3;

    /// <summary>
    /// Whether <see cref="IAllocator.NumAllocatedBytes"/> must equal the starting figure plus the usable sizes of
    /// the live blocks, checked every <see cref="CountCheckInterval"/> operations. Needs an allocator nobody else uses.
    /// </summary>
    public bool CheckAllocatedBytes { get; init; } = true;

    /// <summary>Operations between two checks of the byte count. Default 997.</summary>
    public int CountCheckInterval { get; init; } = 997;

    /// <summary>
    /// More to check at each count check, with the allocator's count already verified (a child allocator's
    /// parent, say). Default: nothing.
    /// </summary>
    public Action<IAllocator>? AtCountCheck { get; init; }
}

/// <summary>What a <see cref="ModelCheck.Run"/> did.</summary>
/// <param name="Allocations">Blocks allocated.</param>
/// <param name="Frees">Blocks freed.</param>
/// <param name="ReAllocations">Blocks reallocated.</param>
/// <param name="PeakLiveBlocks">The most blocks live at once.</param>
/// <param name="BytesChecked">Bytes of block contents verified.</param>
public sealed record ModelCheckResult(long Allocations, long Frees, long ReAllocations, int PeakLiveBlocks, long BytesChecked);

/// <summary>
/// Drives any <see cref="IAllocator"/> with a reproducible random walk of allocations, frees and reallocations
/// and checks it against a model of what must be true: every block is aligned and at least as large as asked
/// for, no two live blocks overlap, each block keeps the pattern written into it (derived from the block's id
/// and the byte offset, so a shifted or stale copy is caught) until it is freed, a reallocation keeps the
/// contents it had up to the smaller size, and the allocator's byte count matches the live blocks. Every
/// live block is freed at the end. A failure names the seed and operation so it can be replayed.
/// </summary>
public static unsafe class ModelCheck
{
    private const ulong Mix = 0x9E3779B97F4A7C15;

    /// <summary>Runs <paramref name="operations"/> operations with the given seed.</summary>
    public static ModelCheckResult Run(IAllocator allocator, int seed, int operations, ModelCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        options ??= new ModelCheckOptions();
        var random = new Random(seed);
        var live = new List<Block>(options.MaxLiveBlocks);
        var byAddress = new AddressIndex(options.MaxLiveBlocks);
        long baseline = allocator.NumAllocatedBytes;
        long liveUsable = 0;
        long allocations = 0, frees = 0, reallocations = 0, bytesChecked = 0;
        int peak = 0;
        long nextId = 1;

        for (int op = 0; op < operations; op++)
        {
            var where = new Where(seed, op);
            // Allocate with a probability that falls as the live set fills, so the walk drifts up and down.
            bool allocate = live.Count == 0
                || (live.Count < options.MaxLiveBlocks && random.Next(options.MaxLiveBlocks) >= live.Count / 2);
            if (allocate)
            {
                nint size = options.NextSize(random);
                nint alignment = options.NextAlignment(random);
                nint pointer = allocator.Allocate(size, alignment);
                if (pointer == 0)
                    Assert.Fail($"{where}: Allocate({size}, {alignment}) returned 0");
                var block = new Block(nextId++, pointer, size, allocator.AllocationSize(pointer));
                CheckShape(block, alignment, options.DefaultAlignment, where);
                byAddress.Add(block, where);
                Fill(block, 0);
                live.Add(block);
                liveUsable += block.Usable;
                allocations++;
                peak = Math.Max(peak, live.Count);
            }
            else
            {
                int index = random.Next(live.Count);
                Block block = live[index];
                bytesChecked += Verify(block, block.Size, where);
                byAddress.Remove(block, where);
                liveUsable -= block.Usable;
                if (random.NextDouble() < options.ReAllocateShare)
                {
                    nint size = options.NextSize(random);
                    nint alignment = options.NextAlignment(random);
                    nint pointer = allocator.ReAllocate(block.Pointer, size, alignment);
                    if (size == 0)
                    {
                        // The contract: a reallocation to size 0 frees the block and returns 0.
                        if (pointer != 0)
                            Assert.Fail($"{where}: ReAllocate(0x{block.Pointer:X}, 0, {alignment}) returned 0x{pointer:X}, not 0");
                        live[index] = live[^1];
                        live.RemoveAt(live.Count - 1);
                        frees++;
                        continue;
                    }
                    if (pointer == 0)
                        Assert.Fail($"{where}: ReAllocate(0x{block.Pointer:X}, {size}, {alignment}) returned 0");
                    var moved = new Block(block.Id, pointer, size, allocator.AllocationSize(pointer));
                    CheckShape(moved, alignment, options.DefaultAlignment, where);
                    bytesChecked += Verify(moved, Math.Min(block.Size, size), where with { Detail = " (contents after ReAllocate)" });
                    byAddress.Add(moved, where);
                    Fill(moved, Math.Min(block.Size, size));
                    live[index] = moved;
                    liveUsable += moved.Usable;
                    reallocations++;
                }
                else
                {
                    allocator.DeAllocate(block.Pointer, block.Size, 0);
                    live[index] = live[^1];
                    live.RemoveAt(live.Count - 1);
                    frees++;
                }
            }

            if (options.CheckAllocatedBytes && op % options.CountCheckInterval == 0)
            {
                CheckCount(allocator, baseline + liveUsable, where);
                options.AtCountCheck?.Invoke(allocator);
            }
        }

        foreach (Block block in live)
        {
            bytesChecked += Verify(block, block.Size, new Where(seed, -1, " (final sweep)"));
            allocator.DeAllocate(block.Pointer, block.Size, 0);
            frees++;
        }
        if (options.CheckAllocatedBytes)
        {
            CheckCount(allocator, baseline, new Where(seed, -1, " (after freeing every block)"));
            options.AtCountCheck?.Invoke(allocator);
        }
        return new ModelCheckResult(allocations, frees, reallocations, peak, bytesChecked);
    }

    private static void CheckShape(Block block, nint alignment, nint defaultAlignment, Where where)
    {
        nint required = alignment == 0 ? defaultAlignment : alignment;
        if ((block.Pointer & (required - 1)) != 0)
            Assert.Fail($"{where}: block 0x{block.Pointer:X} of {block.Size} bytes is not aligned to {required}");
        if (block.Usable < block.Size)
            Assert.Fail($"{where}: AllocationSize {block.Usable} is below the {block.Size} bytes asked for");
    }

    private static void CheckCount(IAllocator allocator, long expected, Where where)
    {
        long actual = allocator.NumAllocatedBytes;
        if (actual != expected)
            Assert.Fail($"{where}: NumAllocatedBytes is {actual}, the live blocks' usable sizes add up to {expected}");
    }

    /// <summary>The pattern word at word offset <paramref name="word"/> of block <paramref name="id"/>.</summary>
    private static ulong Pattern(long id, long word) => ((ulong)id * Mix) ^ ((ulong)(word + 1) * 0xBF58476D1CE4E5B9);

    /// <summary>Writes the block's pattern from byte <paramref name="from"/> to its requested size.</summary>
    private static void Fill(Block block, nint from)
    {
        byte* start = (byte*)block.Pointer;
        for (nint offset = from; offset < block.Size; offset++)
        {
            if ((offset & 7) == 0 && offset + 8 <= block.Size)
            {
                // Whole words at once; the pattern of a byte depends only on its offset, so either way agrees.
                long words = (long)((block.Size - offset) / 8);
                ulong* p = (ulong*)(start + offset);
                long first = offset / 8;
                for (long w = 0; w < words; w++)
                    Unaligned(p + w, Pattern(block.Id, first + w));
                offset += (nint)(words * 8) - 1;
                continue;
            }
            start[offset] = PatternByte(block.Id, offset);
        }
    }

    /// <summary>Checks the first <paramref name="count"/> bytes hold the block's pattern; returns the bytes checked.</summary>
    private static long Verify(Block block, nint count, Where where)
    {
        byte* start = (byte*)block.Pointer;
        nint words = count / 8;
        for (nint w = 0; w < words; w++)
        {
            ulong expected = Pattern(block.Id, w);
            ulong actual = ReadUnaligned((ulong*)start + w);
            if (actual != expected)
                Assert.Fail($"{where}: block {block.Id} at 0x{block.Pointer:X} ({block.Size} bytes) corrupted at byte {w * 8}: 0x{actual:X16}, expected 0x{expected:X16}");
        }
        for (nint offset = words * 8; offset < count; offset++)
        {
            if (start[offset] != PatternByte(block.Id, offset))
                Assert.Fail($"{where}: block {block.Id} at 0x{block.Pointer:X} ({block.Size} bytes) corrupted at byte {offset}");
        }
        return count;
    }

    private static byte PatternByte(long id, nint offset) => (byte)(Pattern(id, offset / 8) >> (int)(8 * (offset % 8)));

    private static void Unaligned(ulong* p, ulong value) => System.Runtime.CompilerServices.Unsafe.WriteUnaligned(p, value);

    private static ulong ReadUnaligned(ulong* p) => System.Runtime.CompilerServices.Unsafe.ReadUnaligned<ulong>(p);

    /// <summary>Where a check runs, formatted only when it fails: building the text every operation would dominate the run.</summary>
    private readonly record struct Where(int Seed, int Operation, string Detail = "")
    {
        public override string ToString() => Operation < 0 ? $"seed {Seed}{Detail}" : $"seed {Seed}, operation {Operation}{Detail}";
    }

    private readonly record struct Block(long Id, nint Pointer, nint Size, nint Usable)
    {
        /// <summary>The bytes the block may use (its usable size, at least one so zero-size blocks are distinct too).</summary>
        public nint Extent => Math.Max(Math.Max(Usable, Size), 1);
    }

    /// <summary>
    /// Which live block covers which 4 KiB granule of the address space, so that a new block is compared only
    /// with the few live blocks sharing a granule with it: overlap checks stay O(1) however many blocks live.
    /// </summary>
    private sealed class AddressIndex(int capacity)
    {
        private const int GranuleShift = 12;
        private readonly Dictionary<nint, List<nint>> _granules = new(capacity);
        private readonly Dictionary<nint, nint> _ends = new(capacity);

        public void Add(Block block, Where where)
        {
            nint start = block.Pointer;
            nint end = start + block.Extent;
            for (nint granule = start >> GranuleShift; granule <= (end - 1) >> GranuleShift; granule++)
            {
                if (!_granules.TryGetValue(granule, out var starts))
                {
                    _granules[granule] = [start];
                    continue;
                }
                foreach (nint other in starts)
                {
                    nint otherEnd = _ends[other];
                    if (other < end && start < otherEnd)
                        Assert.Fail($"{where}: block {block.Id} at [0x{start:X}, 0x{end:X}) overlaps the live block at [0x{other:X}, 0x{otherEnd:X})");
                }
                starts.Add(start);
            }
            _ends.Add(start, end);
        }

        public void Remove(Block block, Where where)
        {
            if (!_ends.Remove(block.Pointer, out nint end))
                Assert.Fail($"{where}: block {block.Id} missing from the model");
            for (nint granule = block.Pointer >> GranuleShift; granule <= (end - 1) >> GranuleShift; granule++)
            {
                var starts = _granules[granule];
                starts.Remove(block.Pointer);
                if (starts.Count == 0)
                    _granules.Remove(granule);
            }
        }
    }
}
