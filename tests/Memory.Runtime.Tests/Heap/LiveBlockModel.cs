namespace Memory.Runtime.Tests.Heap;

/// <summary>
/// The reference model for random allocator tests: every live block with the pattern it was filled with,
/// checked for alignment, usable size and overlap when it appears, and for its contents when it goes.
/// </summary>
/// <remarks>
/// Each block is filled with one byte value of its own; any write through another block that overlaps it
/// shows up as a wrong byte. Overlap is also checked directly: the usable range of a new block must not
/// meet the usable range of its neighbours in address order.
/// </remarks>
internal sealed class LiveBlockModel
{
    private readonly Dictionary<nint, Block> _blocks = [];
    private readonly List<nint> _starts = []; // Sorted: a binary search finds a block's neighbours.
    private int _nextSeed;

    public readonly record struct Block(nint Address, nint Size, nint Usable, byte Pattern);

    public int Count => _blocks.Count;

    /// <summary>Usable bytes of the live blocks, as the allocator reported them.</summary>
    public long UsableBytes { get; private set; }

    public IEnumerable<nint> Addresses => _blocks.Keys;

    public Block this[nint address] => _blocks[address];

    /// <summary>Records a new block, checks it and fills it with its pattern.</summary>
    public void Add(nint address, nint size, nint alignment, nint usable, bool fill = true)
    {
        if (address == 0)
            Assert.Fail($"allocation of {size} B failed");
        if (alignment > 0 && address % alignment != 0)
            Assert.Fail($"0x{address:X} is not aligned to {alignment}");
        if (usable < size)
            Assert.Fail($"usable size {usable} < requested {size}");
        CheckNoOverlap(address, Math.Max(usable, 1));

        byte pattern = NextPattern();
        _blocks.Add(address, new Block(address, size, usable, pattern));
        _starts.Insert(~_starts.BinarySearch(address), address);
        UsableBytes += usable;
        if (fill)
            Fill(address, size, pattern);
    }

    /// <summary>Checks a block's contents and forgets it.</summary>
    public Block Remove(nint address, bool verify = true)
    {
        Block block = _blocks[address];
        if (verify)
            Verify(block, block.Size);
        _blocks.Remove(address);
        _starts.RemoveAt(_starts.BinarySearch(address));
        UsableBytes -= block.Usable;
        return block;
    }

    /// <summary>Checks that the first <paramref name="length"/> bytes still hold the block's pattern.</summary>
    public static unsafe void Verify(Block block, nint length)
    {
        for (nint offset = 0; offset < length; offset += int.MaxValue)
        {
            var span = new ReadOnlySpan<byte>((void*)(block.Address + offset), (int)Math.Min(length - offset, int.MaxValue));
            int wrong = span.IndexOfAnyExcept(block.Pattern);
            if (wrong >= 0)
                Assert.Fail($"block 0x{block.Address:X} ({block.Size} B): byte {offset + wrong} changed");
        }
    }

    public static unsafe void Fill(nint address, nint length, byte pattern)
    {
        for (nint offset = 0; offset < length; offset += int.MaxValue)
            new Span<byte>((void*)(address + offset), (int)Math.Min(length - offset, int.MaxValue)).Fill(pattern);
    }

    private byte NextPattern()
    {
        // Never 0: freshly mapped memory is zero, and a block that aliased such memory must not pass.
        _nextSeed = _nextSeed % 255 + 1;
        return (byte)_nextSeed;
    }

    private void CheckNoOverlap(nint address, nint length)
    {
        int index = _starts.BinarySearch(address);
        if (index >= 0)
            Assert.Fail($"new block 0x{address:X} is already live");
        index = ~index;
        if (index > 0)
        {
            Block left = _blocks[_starts[index - 1]];
            if (left.Address + Math.Max(left.Usable, 1) > address)
                Assert.Fail($"new block 0x{address:X} overlaps 0x{left.Address:X} (+{left.Usable})");
        }
        if (index < _starts.Count && address + length > _starts[index])
            Assert.Fail($"new block 0x{address:X} (+{length}) overlaps 0x{_starts[index]:X}");
    }
}
