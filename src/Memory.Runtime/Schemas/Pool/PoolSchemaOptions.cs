using System.Globalization;
using Memory.Internal;

namespace Memory.Schemas;

/// <summary>
/// The shape of a pool: the page it carves blocks from and the range of block sizes it serves
/// (O3DE's <c>PoolSchema::Descriptor</c>: <c>m_pageSize</c>, <c>m_minAllocationSize</c>, <c>m_maxAllocationSize</c>).
/// </summary>
/// <remarks>
/// Size classes run from <see cref="MinAllocationSize"/> to <see cref="MaxAllocationSize"/> in steps of
/// <see cref="MinAllocationSize"/>. Rules, checked by <see cref="Validate"/> (an <see cref="ArgumentException"/> otherwise):
/// <list type="bullet">
/// <item><see cref="PageSize"/> is a power of two, at least <see cref="MinimumPageSize"/> and at most <see cref="MaximumPageSize"/>
/// (pages are aligned to their size, which is how a block finds its page header);</item>
/// <item><see cref="MinAllocationSize"/> is a power of two of at least the pointer size (a free block holds the link to the next one);</item>
/// <item><see cref="MaxAllocationSize"/> is a multiple of <see cref="MinAllocationSize"/>;</item>
/// <item><see cref="PageSize"/> is at least four times <see cref="MaxAllocationSize"/>, so every page holds several blocks of the largest class.</item>
/// </list>
/// </remarks>
public sealed record PoolSchemaOptions
{
    /// <summary>The smallest page a pool accepts: room for the page header and a few blocks.</summary>
    public const int MinimumPageSize = 256;

    /// <summary>The largest page a pool accepts.</summary>
    public const int MaximumPageSize = 1 << 30;

    /// <summary>The defaults of O3DE's pool: 4 KiB pages, blocks of 8 to 512 bytes.</summary>
    public static PoolSchemaOptions Default => s_default ?? LazyInitializer.EnsureInitialized(ref s_default, static () => new());

    // Created on first use, not in the type initialiser (rule MEM0003).
    private static PoolSchemaOptions? s_default;

    /// <summary>Bytes per page; pages are aligned to this size. Default 4096.</summary>
    public nint PageSize { get; init; } = 4096;

    /// <summary>The smallest block and the step between size classes. Default 8.</summary>
    public nint MinAllocationSize { get; init; } = 8;

    /// <summary>The largest block; bigger requests return 0. Default 512.</summary>
    public nint MaxAllocationSize { get; init; } = 512;

    /// <summary>Throws <see cref="ArgumentException"/> unless the options follow the rules in the remarks.</summary>
    public void Validate()
    {
        if (!AlignmentMath.IsPowerOfTwo(PageSize) || PageSize < MinimumPageSize || PageSize > MaximumPageSize)
            throw Invalid(nameof(PageSize), $"must be a power of two from {MinimumPageSize} to {MaximumPageSize}");
        if (!AlignmentMath.IsPowerOfTwo(MinAllocationSize) || MinAllocationSize < IntPtr.Size)
            throw Invalid(nameof(MinAllocationSize), $"must be a power of two of at least {IntPtr.Size} (the size of a pointer)");
        if (MaxAllocationSize < MinAllocationSize || MaxAllocationSize % MinAllocationSize != 0)
            throw Invalid(nameof(MaxAllocationSize), $"must be a positive multiple of {nameof(MinAllocationSize)} ({MinAllocationSize})");
        if (PageSize / 4 < MaxAllocationSize)
            throw Invalid(nameof(PageSize), $"must be at least four times {nameof(MaxAllocationSize)} ({MaxAllocationSize})");
    }

    private ArgumentException Invalid(string property, string rule)
        => new(string.Create(CultureInfo.InvariantCulture,
            $"Pool options {{ PageSize = {PageSize}, MinAllocationSize = {MinAllocationSize}, MaxAllocationSize = {MaxAllocationSize} }}: {property} {rule}."),
            property);
}
