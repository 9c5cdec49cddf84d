using Memory.Schemas.Hpha;

namespace Memory.Runtime.Tests.Hpha;

/// <summary>The exact-size bins and the quick lists in front of the tree, each against a simple model.</summary>
public sealed unsafe class FreeBlockBinsTests : IDisposable
{
    private const int Slots = 2048;
    private const int SlotBytes = 64;
    private readonly nint _arena = (nint)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(Slots * SlotBytes, 64);

    public void Dispose() => System.Runtime.InteropServices.NativeMemory.AlignedFree((void*)_arena);

    [Fact]
    public void Bins_find_the_smallest_binned_size_that_fits()
    {
        var bins = new FreeBlockBins();
        var model = new Dictionary<nint, nint>(); // node -> size
        var random = new Random(11);
        for (int op = 0; op < 30_000; op++)
        {
            nint node = NodeOf(random.Next(Slots));
            if (model.Remove(node))
            {
                bins.Remove(node);
            }
            else
            {
                nint size = 32 + 16 * random.Next((FreeBlockBins.MaxSize - 32) / 16 + 1);
                BoundaryTag.Write(BoundaryTag.HeaderOf(node), prev: 0, size, used: false);
                bins.Insert(node);
                model[node] = size;
            }

            if (op % 101 == 0)
            {
                Assert.Null(bins.Validate());
                Assert.Equal(model.Count, bins.Count);
                nint wanted = random.Next(1, FreeBlockBins.MaxSize + 100);
                nint found = bins.FindAtLeast(wanted);
                var fitting = model.Values.Where(size => size >= wanted).ToList();
                if (fitting.Count == 0)
                {
                    Assert.Equal(0, found);
                }
                else
                {
                    Assert.NotEqual(0, found);
                    Assert.Equal(fitting.Min(), model[found]);
                }
            }
        }
    }

    [Fact]
    public void Quick_lists_return_exact_sizes_last_in_first_out_and_respect_their_depth()
    {
        var quick = new QuickLists();
        var pushed = new List<nint>();
        for (int i = 0; i < QuickLists.Depth + 2; i++)
        {
            nint node = NodeOf(i);
            BoundaryTag.Write(BoundaryTag.HeaderOf(node), prev: 0, 1024, used: true);
            if (quick.TryPush(node, 1024))
                pushed.Add(node);
        }
        Assert.Equal(QuickLists.Depth, pushed.Count);
        Assert.Equal(QuickLists.Depth * 1024L, quick.HeldBytes);
        Assert.False(quick.TryPush(NodeOf(100), QuickLists.MaxSize + 16));
        Assert.Equal(0, quick.TryPop(1040));
        Assert.Null(quick.Validate());

        Assert.Equal(pushed[^1], quick.TryPop(1024));
        int list = 0;
        var drained = new List<nint>();
        for (nint node = quick.PopAny(ref list); node != 0; node = quick.PopAny(ref list))
            drained.Add(node);
        Assert.Equal(pushed.Take(QuickLists.Depth - 1).Reverse(), drained);
        Assert.Equal(0, quick.Count);
        Assert.Equal(0, quick.HeldBytes);
    }

    private nint NodeOf(int slot) => _arena + slot * SlotBytes + BoundaryTag.Size;
}
