using Memory.Runtime.Tests.Heap;
using Memory.Schemas;

namespace Memory.Runtime.Tests.BestFitExternal;

public sealed class BestFitExternalModelCheckTests
{
    [Fact]
    public void A_million_random_operations_make_the_same_choices_as_the_reference()
    {
        const long Length = 256 * 1024;
        const long Granule = 16;
        using var range = new InaccessibleRange((nint)Length);

        // The schema itself, not an allocator: a failed request here is routine, and an allocator would run
        // the process-wide out-of-memory handling each time.
        var schema = new BestFitExternalSchema(range.Base, (nint)Length, (nint)Granule);
        var reference = new ReferenceBestFit(Length, Granule);
        var intervals = new LiveBlockModel(); // Intervals only: nothing is written to the range.
        var live = new List<nint>();
        var random = new Random(31);
        nint[] alignments = [0, 0, 0, 16, 32, 64, 256, 1024, 4096];

        for (int op = 0; op < 1_000_000; op++)
        {
            int roll = random.Next(100);
            if (live.Count == 0 || roll < 50)
            {
                nint size = random.Next(100) < 95 ? random.Next(0, 2048) : random.Next(2048, 32 * 1024);
                nint alignment = alignments[random.Next(alignments.Length)];
                nint address = schema.Allocate(size, alignment);
                long expected = reference.Allocate(size, alignment);
                if (address != (expected < 0 ? 0 : range.Base + (nint)expected))
                    Assert.Fail($"op {op}: allocating {size} B at {alignment} gave offset {address - range.Base}, the reference {expected}");
                if (address != 0)
                {
                    intervals.Add(address, size, alignment == 0 ? (nint)Granule : alignment, schema.AllocationSize(address), fill: false);
                    live.Add(address);
                }
            }
            else if (roll < 85)
            {
                nint address = TakeRandom(random, live);
                intervals.Remove(address, verify: false);
                schema.DeAllocate(address, 0, 0);
                reference.Release(address - range.Base);
            }
            else
            {
                int index = random.Next(live.Count);
                nint address = live[index];
                nint newSize = random.Next(1, 4096);
                nint alignment = alignments[random.Next(alignments.Length)];
                nint resized = schema.ReAllocate(address, newSize, alignment);
                long expected = reference.TryResize(address - range.Base, newSize, alignment);
                if (resized != (expected < 0 ? 0 : address))
                    Assert.Fail($"op {op}: resizing offset {address - range.Base} to {newSize} B gave {resized}, the reference {expected}");
                if (resized != 0)
                {
                    intervals.Remove(address, verify: false);
                    intervals.Add(address, newSize, 0, schema.AllocationSize(address), fill: false);
                }
            }

            if (op % 10_000 == 0)
                CheckSameState(schema, reference, intervals, op);
        }

        CheckSameState(schema, reference, intervals, 1_000_000);
        foreach (nint address in live)
            schema.DeAllocate(address, 0, 0);
        Assert.Equal(0, schema.NumAllocatedBytes);
        Assert.Equal([(0L, Length)], schema.FreeBlocks());
    }

    private static void CheckSameState(BestFitExternalSchema schema, ReferenceBestFit reference, LiveBlockModel intervals, int op)
    {
        Assert.True(reference.Free.SequenceEqual(schema.FreeBlocks()), $"op {op}: the free blocks differ from the reference");
        Assert.Equal(reference.AllocatedBytes, schema.NumAllocatedBytes);
        Assert.Equal(intervals.UsableBytes, schema.NumAllocatedBytes);
        Assert.Equal(reference.Free.Count, schema.FreeBlockCount);
        Assert.Equal(reference.LargestFree, schema.LargestFreeBlock);
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
