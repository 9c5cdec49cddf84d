namespace Memory.Runtime.Tests.Heap;

/// <summary>
/// Drives an allocator with random allocate / free / reallocate operations against a <see cref="LiveBlockModel"/>:
/// every live block pattern-filled and verified, no two live blocks overlapping, and the allocator's byte
/// count equal to the model's at regular checkpoints and zero at the end.
/// </summary>
internal sealed class RandomAllocatorRun
{
    public required int Operations { get; init; }
    public required int Seed { get; init; }
    public required Func<Random, nint> NextSize { get; init; }
    public nint[] Alignments { get; init; } = [0];
    public int MaxLive { get; init; } = 1000;

    /// <summary>Percent of operations that allocate (while under <see cref="MaxLive"/>), free, and reallocate.</summary>
    public (int Allocate, int Free) Mix { get; init; } = (45, 35);

    /// <summary>How the allocator's own count is read; checked against the model every few thousand operations.</summary>
    public Func<IAllocator, long> AllocatedBytes { get; init; } = static allocator => allocator.NumAllocatedBytes;

    public void Run(IAllocator allocator)
    {
        var random = new Random(Seed);
        var model = new LiveBlockModel();
        var live = new List<nint>();

        for (int op = 0; op < Operations; op++)
        {
            int roll = random.Next(100);
            if (live.Count == 0 || (roll < Mix.Allocate && live.Count < MaxLive))
                Allocate(allocator, random, model, live);
            else if (roll < Mix.Allocate + Mix.Free || live.Count >= MaxLive && roll < Mix.Allocate)
                Free(allocator, random, model, live);
            else
                ReAllocate(allocator, random, model, live);

            if ((op & 4095) == 0)
                CheckCounts(allocator, model, op);
        }

        CheckCounts(allocator, model, Operations);
        foreach (nint address in live)
        {
            model.Remove(address);
            allocator.DeAllocate(address);
        }
        Assert.Equal(0, AllocatedBytes(allocator));
    }

    private void Allocate(IAllocator allocator, Random random, LiveBlockModel model, List<nint> live)
    {
        nint size = NextSize(random);
        nint alignment = Alignments[random.Next(Alignments.Length)];
        nint address = allocator.Allocate(size, alignment);
        model.Add(address, size, alignment, allocator.AllocationSize(address));
        live.Add(address);
    }

    private static void Free(IAllocator allocator, Random random, LiveBlockModel model, List<nint> live)
    {
        nint address = TakeRandom(random, live);
        LiveBlockModel.Block block = model.Remove(address);
        allocator.DeAllocate(address, random.Next(2) == 0 ? block.Size : 0);
    }

    private void ReAllocate(IAllocator allocator, Random random, LiveBlockModel model, List<nint> live)
    {
        nint address = TakeRandom(random, live);
        LiveBlockModel.Block old = model[address];
        if (allocator.AllocationSize(address) != old.Usable)
            Assert.Fail($"AllocationSize of 0x{address:X} changed from {old.Usable}");

        nint newSize = Math.Max(1, NextSize(random));
        nint alignment = Alignments[random.Next(Alignments.Length)];
        nint moved = allocator.ReAllocate(address, newSize, alignment);
        if (moved == 0)
            Assert.Fail($"ReAllocate of {old.Size} B to {newSize} B failed");

        // The contents survive up to the smaller size, wherever the block went.
        LiveBlockModel.Verify(old with { Address = moved }, Math.Min(old.Size, newSize));
        model.Remove(address, verify: false);
        model.Add(moved, newSize, alignment, allocator.AllocationSize(moved));
        live.Add(moved);
    }

    private void CheckCounts(IAllocator allocator, LiveBlockModel model, int op)
    {
        long counted = AllocatedBytes(allocator);
        if (counted != model.UsableBytes)
            Assert.Fail($"after {op} operations (seed {Seed}) the allocator counts {counted} B, the model {model.UsableBytes} B");
    }

    private static nint TakeRandom(Random random, List<nint> live)
    {
        int index = random.Next(live.Count);
        nint address = live[index];
        live[index] = live[^1];
        live.RemoveAt(live.Count - 1);
        return address;
    }
}
