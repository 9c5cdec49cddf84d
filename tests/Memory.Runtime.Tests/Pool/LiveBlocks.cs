using System.Runtime.InteropServices;

namespace Memory.Runtime.Tests.Pool;

/// <summary>One live block of the reference model: where it is, what was asked for, what was given, and its mark.</summary>
internal readonly record struct LiveBlock(nint Address, nint Requested, nint Usable, long Id);

/// <summary>
/// The reference model of a set of live blocks: every block is filled with a pattern of its own (its id in the first
/// word, a byte derived from the id after it) over its whole usable size, verified when it leaves, and checked on
/// entry not to overlap any other live block of the model.
/// </summary>
/// <remarks>
/// Overlap is checked exactly and in constant time by bucketing blocks by address into granules at least as large as
/// the largest block: a block can only overlap blocks that start in its own granule or the two beside it.
/// </remarks>
internal sealed unsafe class LiveBlocks
{
    private readonly List<LiveBlock> _blocks = [];
    private readonly Dictionary<nint, int> _indexByAddress = [];
    private readonly Dictionary<nint, List<nint>> _addressesByGranule = [];
    private readonly nint _granule;

    public LiveBlocks(nint largestBlock) => _granule = largestBlock;

    public int Count => _blocks.Count;

    /// <summary>Usable bytes of the live blocks: what the allocator must report.</summary>
    public long UsableBytes { get; private set; }

    public LiveBlock this[int index] => _blocks[index];

    /// <summary>Fills a new block with its pattern and adds it.</summary>
    public void AddNew(LiveBlock block)
    {
        Fill(block);
        Adopt(block);
    }

    /// <summary>Adds a block that already carries its pattern (handed over from another model), checking it first.</summary>
    public void Adopt(LiveBlock block)
    {
        if (block.Usable > _granule)
            Assert.Fail($"block of {block.Usable} bytes is larger than the model's granule {_granule}");
        CheckNoOverlap(block);
        Verify(block, block.Usable);
        _indexByAddress.Add(block.Address, _blocks.Count);
        _blocks.Add(block);
        GranuleOf(block.Address, create: true)!.Add(block.Address);
        UsableBytes += block.Usable;
    }

    /// <summary>Removes a block from the model, by default verifying its pattern first.</summary>
    public LiveBlock RemoveAt(int index, bool verify = true)
    {
        LiveBlock block = _blocks[index];
        if (verify)
            Verify(block, block.Usable);
        LiveBlock last = _blocks[^1];
        _blocks[index] = last;
        _indexByAddress[last.Address] = index;
        _blocks.RemoveAt(_blocks.Count - 1);
        _indexByAddress.Remove(block.Address);
        GranuleOf(block.Address, create: false)!.Remove(block.Address);
        UsableBytes -= block.Usable;
        return block;
    }

    /// <summary>Checks that the first <paramref name="length"/> bytes of a block still carry its pattern.</summary>
    public static void Verify(LiveBlock block, nint length)
    {
        var bytes = new ReadOnlySpan<byte>((void*)block.Address, checked((int)length));
        int idBytes = Math.Min(bytes.Length, sizeof(long));
        if (idBytes == sizeof(long))
        {
            if (MemoryMarshal.Read<long>(bytes) != block.Id)
                Assert.Fail($"block {block.Address:X} lost its id {block.Id}");
        }
        int bad = bytes[idBytes..].IndexOfAnyExcept(Tag(block.Id));
        if (bad >= 0)
            Assert.Fail($"block {block.Address:X} (id {block.Id}, {block.Usable} bytes) corrupted at byte {bad + idBytes}");
    }

    /// <summary>Writes a block's pattern over its whole usable size.</summary>
    public static void Fill(LiveBlock block)
    {
        var bytes = new Span<byte>((void*)block.Address, checked((int)block.Usable));
        bytes.Fill(Tag(block.Id));
        if (bytes.Length >= sizeof(long))
            MemoryMarshal.Write(bytes, block.Id);
    }

    private static byte Tag(long id) => (byte)(id % 251 + 1);

    private void CheckNoOverlap(LiveBlock block)
    {
        nint start = block.Address;
        nint end = block.Address + block.Usable;
        for (nint g = start / _granule - 1; g <= start / _granule + 1; g++)
        {
            if (!_addressesByGranule.TryGetValue(g, out var addresses))
                continue;
            foreach (nint other in addresses)
            {
                LiveBlock o = _blocks[_indexByAddress[other]];
                if (start < o.Address + o.Usable && o.Address < end)
                    Assert.Fail($"block [{start:X}, {end:X}) overlaps live block [{o.Address:X}, {o.Address + o.Usable:X})");
            }
        }
    }

    private List<nint>? GranuleOf(nint address, bool create)
    {
        nint g = address / _granule;
        if (!_addressesByGranule.TryGetValue(g, out var list) && create)
            _addressesByGranule[g] = list = [];
        return list;
    }
}
