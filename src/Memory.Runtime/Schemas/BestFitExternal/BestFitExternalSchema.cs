using Memory.Internal;

namespace Memory.Schemas;

/// <summary>
/// Best fit over an <b>external</b> address range (O3DE's <c>BestFitExternalMapSchema</c>): offsets in a GPU
/// heap, a region of a file, slots of a descriptor table. The schema never reads or writes the range; it
/// only hands out addresses <c>base + offset</c> and keeps every fact about them outside the range.
/// </summary>
/// <remarks>
/// <para>
/// Allocation takes the smallest free block that fits the size after aligning its start, and splits off
/// the rest; a free merges the block with free neighbours on both sides. Alignment is relative to the
/// base: the offset is a multiple of the alignment, so the address is aligned too only when the base is.
/// Sizes are rounded up to the default alignment (the granule), so <see cref="AllocationSize"/> is the
/// rounded size and a size of 0 gets one granule.
/// </para>
/// <para>
/// The bookkeeping is managed (a flat AVL tree by size and hash maps by offset; see
/// <see cref="ExternalBlockMap"/>). Native bookkeeping would buy nothing here: the range is not memory this
/// process may use, so the metadata has to live elsewhere anyway, and managed arrays are bounds-checked and
/// allocate nothing per operation once grown. Their few kilobytes are not counted as allocated bytes.
/// </para>
/// <para>
/// <see cref="ReAllocate"/> resizes in place or fails: shrinking always succeeds, growing succeeds when the
/// block's right neighbour is free and large enough. Moving would need a copy, which this schema cannot do;
/// on failure it returns 0 and the block is unchanged, and the caller allocates a new block, copies with the
/// resource's own API (a GPU copy, a file copy) and frees the old one.
/// </para>
/// <para>Thread-safe: every operation takes one lock.</para>
/// </remarks>
public readonly struct BestFitExternalSchema : IAllocationSchema
{
    /// <summary>The default alignment, and so the granule, when none is given: 16 bytes.</summary>
    public const int DefaultGranule = 16;

    private readonly ExternalBlockMap _map;
    private readonly Owner _owner;

    // The allocator's name, set once by Attach: the schema is a readonly struct shared by copies.
    private sealed class Owner
    {
        public string? Name;
    }

    /// <summary>Creates the schema over <c>[baseAddress, baseAddress + length)</c>, all of it free.</summary>
    /// <param name="baseAddress">The start of the range; any value but 0, which would make offset 0 look like a failure.</param>
    /// <param name="length">The length of the range in bytes.</param>
    /// <param name="defaultAlignment">
    /// The alignment used when a request gives 0, and the granule sizes are rounded to; a power of two.
    /// </param>
    /// <exception cref="ArgumentException">The base is 0, the range wraps around the address space, or the alignment is not a power of two.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The length is not positive.</exception>
    public BestFitExternalSchema(nint baseAddress, nint length, nint defaultAlignment = DefaultGranule)
    {
        if (baseAddress == 0)
            throw new ArgumentException("The base address must not be 0: address 0 means 'no block'.", nameof(baseAddress));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if ((nuint)baseAddress + (nuint)length < (nuint)baseAddress)
            throw new ArgumentException("The range wraps around the end of the address space.", nameof(length));
        if (!AlignmentMath.IsPowerOfTwo(defaultAlignment))
            throw new ArgumentException($"The default alignment {defaultAlignment} is not a power of two.", nameof(defaultAlignment));

        BaseAddress = baseAddress;
        Length = length;
        DefaultAlignment = defaultAlignment;
        _map = new ExternalBlockMap(length, defaultAlignment);
        _owner = new Owner();
    }

    /// <summary>The start of the range.</summary>
    public nint BaseAddress { get; }

    /// <summary>The length of the range in bytes.</summary>
    public nint Length { get; }

    /// <summary>The alignment of a request that gives 0, and the granule sizes are rounded to.</summary>
    public nint DefaultAlignment { get; }

    /// <inheritdoc/>
    public static bool IsThreadSafe => true;

    /// <summary>The range is never read or written: the allocator skips fills, guards and copies.</summary>
    public static bool ManagesExternalMemory => true;

    /// <inheritdoc/>
    public long NumAllocatedBytes
    {
        get
        {
            lock (_map)
                return _map.AllocatedBytes;
        }
    }

    /// <summary>The whole range: it is reserved for this schema from the start.</summary>
    public long ReservedBytes => Length;

    /// <summary>The length of the range.</summary>
    public long Capacity => Length;

    /// <summary>Bytes not allocated (of the length rounded down to the granule), however fragmented.</summary>
    public long FreeBytes
    {
        get
        {
            lock (_map)
                return _map.UsableLength - _map.AllocatedBytes;
        }
    }

    /// <summary>The largest free block: the most one allocation at the default alignment can get now.</summary>
    public long LargestFreeBlock
    {
        get
        {
            lock (_map)
                return _map.LargestFreeBlock;
        }
    }

    /// <summary>How many separate free blocks there are: 1 when nothing is allocated, more as the range fragments.</summary>
    public int FreeBlockCount
    {
        get
        {
            lock (_map)
                return _map.FreeBlockCount;
        }
    }

    /// <summary>The offset of an address from <see cref="BaseAddress"/>: what a GPU API or a file wants.</summary>
    public nint OffsetOf(nint address) => address - BaseAddress;

    /// <inheritdoc/>
    /// <remarks>Nothing longer than the range can ever fit; a full range is left to the out-of-memory handling.</remarks>
    public bool CanEverServe(nint size, nint alignment) => size <= Length;

    /// <inheritdoc/>
    public void Attach(AllocatorBase allocator) => _owner.Name = allocator.Name;

    /// <inheritdoc/>
    /// <remarks>
    /// False: a block here only grows in place, so a failed growth is a neighbour in the way, which no collection of
    /// other allocators can move.
    /// </remarks>
    public bool CanEverReAllocate(nint pointer, nint newSize, nint newAlignment) => false;

    /// <inheritdoc/>
    public nint Allocate(nint size, nint alignment)
    {
        long offset;
        lock (_map)
            offset = _map.Allocate(size, alignment == 0 ? DefaultAlignment : alignment);
        return offset == ExternalBlockMap.Failed ? 0 : BaseAddress + (nint)offset;
    }

    /// <inheritdoc/>
    /// <exception cref="AllocatorMisuseException">No block of this range is allocated at <paramref name="pointer"/>.</exception>
    public void DeAllocate(nint pointer, nint size, nint alignment)
    {
        bool freed;
        lock (_map)
            freed = _map.Free(OffsetInRange(pointer));
        if (!freed)
            throw NotABlock(pointer, "DeAllocate");
    }

    /// <summary>Resizes the block in place; returns 0, leaving it unchanged, when it would have to move.</summary>
    /// <exception cref="AllocatorMisuseException">No block of this range is allocated at <paramref name="pointer"/>.</exception>
    public nint ReAllocate(nint pointer, nint newSize, nint newAlignment)
    {
        long offset = OffsetInRange(pointer);
        long resized;
        lock (_map)
        {
            if (_map.LengthOf(offset) == ExternalBlockMap.Failed)
                resized = long.MinValue;
            else
                resized = _map.TryResize(offset, newSize, newAlignment == 0 ? DefaultAlignment : newAlignment);
        }
        if (resized == long.MinValue)
            throw NotABlock(pointer, "ReAllocate");
        return resized == ExternalBlockMap.Failed ? 0 : pointer;
    }

    /// <inheritdoc/>
    /// <exception cref="AllocatorMisuseException">No block of this range is allocated at <paramref name="pointer"/>.</exception>
    public nint AllocationSize(nint pointer)
    {
        long length;
        lock (_map)
            length = _map.LengthOf(OffsetInRange(pointer));
        if (length == ExternalBlockMap.Failed)
            throw NotABlock(pointer, "AllocationSize");
        return (nint)length;
    }

    /// <summary>Nothing to return: the range is not the schema's to give back, and free blocks are already merged.</summary>
    public void GarbageCollect()
    {
    }

    /// <summary>The free blocks as (offset, length) in address order, for tests and diagnostics.</summary>
    internal IReadOnlyList<(long Offset, long Length)> FreeBlocks()
    {
        lock (_map)
            return _map.FreeBlocks();
    }

    /// <summary>
    /// What an address that is no allocated block is: in a free part of the range, a block freed already (a double
    /// free); anywhere else, a pointer that is not a block of this range.
    /// </summary>
    private AllocatorMisuseException NotABlock(nint pointer, string operation)
    {
        long offset = OffsetInRange(pointer);
        bool inFreePart = false;
        if (offset != ExternalBlockMap.Failed)
        {
            lock (_map)
            {
                foreach (var (start, length) in _map.FreeBlocks())
                    inFreePart |= offset >= start && offset < start + length;
            }
        }
        string name = _owner.Name ?? nameof(BestFitExternalSchema);
        return inFreePart
            ? new AllocatorMisuseException(name, pointer, Diagnostics.MisuseKind.DoubleFree,
                $"{operation} of an address in a free part of the range (a block freed already)", allocationSite: null, owner: null)
            : new AllocatorMisuseException(name, pointer, Diagnostics.MisuseKind.ForeignPointer,
                $"{operation} of an address that is not an allocated block of this range", allocationSite: null, owner: null);
    }

    // An address outside the range maps to an offset no block has, so lookups simply fail.
    private long OffsetInRange(nint pointer)
    {
        nuint offset = (nuint)pointer - (nuint)BaseAddress;
        return offset < (nuint)Length ? (long)offset : ExternalBlockMap.Failed;
    }
}
