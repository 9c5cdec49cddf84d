using System.Numerics;

namespace Memory.Schemas.Pool;

/// <summary>
/// The size-class table of a pool, derived once from <see cref="PoolSchemaOptions"/>: the block size and the
/// blocks per page of each class, and how a request (size, alignment) maps to a class.
/// </summary>
/// <remarks>
/// <para>
/// Classes are evenly spaced by the minimum allocation size, so the class of a default-aligned request is one
/// shift, <c>(size - 1) &gt;&gt; MinShift</c>, and that index is the row in each pool's array of per-class page
/// lists. The layout is a plain struct so every pool keeps a copy beside its own state, one load away on the hot path.
/// </para>
/// <para>
/// Alignment: a class of block size S lays its blocks at multiples of S from the page start, and pages are aligned
/// to the page size, so every block of the class is aligned to the largest power of two dividing S. Hence:
/// </para>
/// <list type="bullet">
/// <item>alignment 0 or up to the minimum size: any class serves (the default alignment is the minimum allocation size);</item>
/// <item>a larger alignment rounds the size up to a multiple of it, and that class's blocks are aligned;</item>
/// <item>when that rounding passes the maximum (an alignment above the largest class that fits), the block gets a
/// page of its own and sits at the page start, aligned to the page size;</item>
/// <item>alignments above the page size, and sizes above the maximum, cannot be served: the request returns 0.</item>
/// </list>
/// </remarks>
internal readonly struct PoolLayout
{
    // Fields rather than properties: the hot paths read them through a pointer to the pool, and a property call on
    // a struct reached that way makes the JIT form a reference to it and check it for null first.

    /// <summary>Pages are requested from the C heap in runs of at least this many bytes, to keep the cost of aligning them small.</summary>
    private const int MinimumRunBytes = 64 * 1024;

    /// <summary>The fewest pages in a run: aligning a run to the page size wastes up to one page of address space.</summary>
    private const int MinimumPagesPerRun = 4;

    public PoolLayout(PoolSchemaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        PageSize = options.PageSize;
        PageMask = options.PageSize - 1;
        MinAllocation = options.MinAllocationSize;
        MaxAllocation = options.MaxAllocationSize;
        MinShift = BitOperations.Log2((ulong)MinAllocation);
        ClassCount = (int)(MaxAllocation / MinAllocation);
        PagesPerRun = (int)Math.Max(MinimumPagesPerRun, MinimumRunBytes / PageSize);
    }

    public readonly nint PageSize;

    /// <summary><see cref="PageSize"/> - 1: the low address bits that locate a byte inside its page.</summary>
    public readonly nint PageMask;

    public readonly nint MinAllocation;

    public readonly nint MaxAllocation;

    public readonly int MinShift;

    public readonly int ClassCount;

    public readonly int PagesPerRun;

    public nint RunBytes => PagesPerRun * PageSize;

    /// <summary>The block size of class <paramref name="index"/>.</summary>
    public int BlockSize(int index) => (int)((index + 1) * MinAllocation);

    /// <summary>How many blocks of class <paramref name="index"/> fit in a page beside its header.</summary>
    public int BlocksPerPage(int index) => (int)((PageSize - PageHeader.Size) / BlockSize(index));

    /// <summary>
    /// Where a request goes: a class index, or -1 for a page of its own (large alignment), with the usable size.
    /// False when the pool cannot serve it (size above the maximum, alignment above the page size).
    /// </summary>
    public bool TryPlace(nint size, nint alignment, out int classIndex, out int blockSize)
    {
        classIndex = -1;
        blockSize = 0;
        if (size > MaxAllocation || alignment > PageSize)
            return false;

        nint rounded = size == 0 ? MinAllocation : (size + MinAllocation - 1) & ~(MinAllocation - 1);
        nint aligned = alignment > MinAllocation ? (rounded + alignment - 1) & ~(alignment - 1) : rounded;
        if (aligned <= MaxAllocation)
        {
            classIndex = (int)(aligned >> MinShift) - 1;
            blockSize = (int)aligned;
        }
        else
        {
            // Only the first block of a page is aligned beyond the largest class that fits: the block gets a page.
            blockSize = (int)rounded;
        }
        return true;
    }
}
