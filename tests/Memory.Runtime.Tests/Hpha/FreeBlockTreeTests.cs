using Memory.Schemas.Hpha;

namespace Memory.Runtime.Tests.Hpha;

/// <summary>The red-black tree of free blocks, on its own: invariants and best fit against a sorted model.</summary>
public sealed unsafe class FreeBlockTreeTests : IDisposable
{
    private const int Slots = 4096;
    private const int SlotBytes = 64;
    private readonly nint _arena = (nint)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(Slots * SlotBytes, 64);

    public void Dispose() => System.Runtime.InteropServices.NativeMemory.AlignedFree((void*)_arena);

    [Theory]
    [InlineData(1, 16)]     // few sizes: long runs of equal keys, ordered by address
    [InlineData(2, 4096)]   // mostly distinct sizes
    [InlineData(3, 200)]
    public void Random_inserts_and_removes_keep_every_invariant(int seed, int distinctSizes)
    {
        var tree = new FreeBlockTree();
        var model = new SortedSet<(nint Size, nint Node)>();
        var random = new Random(seed);
        var inTree = new bool[Slots];

        for (int op = 0; op < 40_000; op++)
        {
            int slot = random.Next(Slots);
            nint node = NodeOf(slot);
            if (inTree[slot])
            {
                tree.Remove(node);
                model.Remove((FreeBlockTree.KeyOf(node), node));
                inTree[slot] = false;
            }
            else
            {
                // A fake free block: a boundary tag with a size, the node right after it.
                nint size = 32 + 16 * random.Next(distinctSizes);
                BoundaryTag.Write(BoundaryTag.HeaderOf(node), prev: 0, size, used: false);
                tree.Insert(node);
                model.Add((size, node));
                inTree[slot] = true;
            }

            if (op % 97 == 0)
            {
                Assert.Null(tree.Validate());
                Assert.Equal(model.Count, tree.Count);
                nint wanted = 32 + 16 * random.Next(distinctSizes + 2);
                var expected = model.FirstOrDefault(entry => entry.Size >= wanted);
                Assert.Equal(expected.Node, tree.LowerBound(wanted));
            }
        }

        Assert.Null(tree.Validate());
        // An in-order walk from the smallest visits the model's order exactly.
        var walked = new List<nint>();
        for (nint node = tree.LowerBound(0); node != 0; node = FreeBlockTree.Successor(node))
            walked.Add(node);
        Assert.Equal(model.Select(entry => entry.Node), walked);

        foreach (var (_, node) in model)
            tree.Remove(node);
        Assert.Equal(0, tree.Count);
        Assert.Equal(0, tree.Root);
        Assert.Null(tree.Validate());
    }

    [Fact]
    public void Validate_reports_a_broken_tree()
    {
        var tree = new FreeBlockTree();
        for (int slot = 0; slot < 3; slot++)
        {
            nint node = NodeOf(slot);
            BoundaryTag.Write(BoundaryTag.HeaderOf(node), prev: 0, 32 + 16 * slot, used: false);
            tree.Insert(node);
        }
        Assert.Null(tree.Validate());
        // Changing a key behind the tree's back breaks the ordering, and the check must see it.
        BoundaryTag.SetFree(BoundaryTag.HeaderOf(NodeOf(0)), 1024);
        Assert.NotNull(tree.Validate());
    }

    private nint NodeOf(int slot) => _arena + slot * SlotBytes + BoundaryTag.Size;
}
