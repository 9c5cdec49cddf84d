using Memory.Schemas;

namespace Memory;

/// <summary>
/// An allocator of an external range: offsets in a GPU heap, a file region, a descriptor table. Create one
/// per range, with its base and length; it hands out addresses <c>base + offset</c> by best fit and never
/// touches the memory behind them (see <see cref="BestFitExternalSchema"/>).
/// </summary>
/// <remarks>
/// Not a process-wide singleton: each range has its own allocator, registered with the
/// <see cref="AllocatorManager"/> under the name given, so reports show what each range holds.
/// <see cref="AllocatorBase.ReAllocate"/> resizes in place or returns 0; it never moves a block.
/// </remarks>
public sealed class BestFitExternalAllocator : AllocatorBase<BestFitExternalSchema>
{
    /// <summary>Creates an allocator over <c>[baseAddress, baseAddress + length)</c>.</summary>
    /// <param name="name">The name shown in reports, e.g. "Texture heap".</param>
    /// <param name="baseAddress">The start of the range; not 0. For pure offsets use any non-zero base and <see cref="OffsetOf"/>.</param>
    /// <param name="length">The length of the range in bytes.</param>
    /// <param name="defaultAlignment">The alignment of requests that give 0, and the granule sizes round up to.</param>
    /// <param name="description">What the range is.</param>
    public BestFitExternalAllocator(string name, nint baseAddress, nint length,
        nint defaultAlignment = BestFitExternalSchema.DefaultGranule, string? description = null)
        : base(name, description ?? "Best fit over an external range", new BestFitExternalSchema(baseAddress, length, defaultAlignment))
    {
    }

    /// <summary>The start of the range.</summary>
    public nint BaseAddress => Schema.BaseAddress;

    /// <summary>The length of the range in bytes.</summary>
    public nint Length => Schema.Length;

    /// <summary>Bytes not allocated, however fragmented.</summary>
    public long FreeBytes => Schema.FreeBytes;

    /// <summary>The largest free block: the most one allocation at the default alignment can get now.</summary>
    public long LargestFreeBlock => Schema.LargestFreeBlock;

    /// <summary>How many separate free blocks there are; 1 when nothing is allocated.</summary>
    public int FreeBlockCount => Schema.FreeBlockCount;

    /// <summary>The offset of an address from <see cref="BaseAddress"/>.</summary>
    public nint OffsetOf(nint address) => Schema.OffsetOf(address);

    internal IReadOnlyList<(long Offset, long Length)> FreeBlocks() => Schema.FreeBlocks();
}
