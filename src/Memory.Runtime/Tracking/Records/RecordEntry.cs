using System.Diagnostics;

namespace Memory.Tracking.Records;

/// <summary>What the record table keeps per live block; <see cref="AllocationRecord"/> is its public snapshot.</summary>
internal struct RecordEntry
{
    /// <summary>The size the caller asked for.</summary>
    public nint RequestedSize;

    /// <summary>The usable size handed out (what the counters counted).</summary>
    public nint Size;

    /// <summary>The alignment asked for (0 for the default).</summary>
    public nint Alignment;

    /// <summary>The caller's label.</summary>
    public string? Name;

    /// <summary>The calling file.</summary>
    public string? File;

    /// <summary>The calling line.</summary>
    public int Line;

    /// <summary>Where the memory behind the pointer is.</summary>
    public BlockLayout Layout;

    /// <summary>Whether the counters counted <see cref="Size"/> for this block (so the free uncounts it).</summary>
    public bool Counted;

    /// <summary>Allocation order within the allocator, from 1.</summary>
    public long Sequence;

    /// <summary>When it was allocated, in <see cref="System.Environment.TickCount64"/> milliseconds.</summary>
    public long TickCount;

    /// <summary>The allocating stack, in <see cref="TrackingMode.RecordsWithStacks"/>.</summary>
    public StackTrace? Stack;

    /// <summary>For guarded layouts: the schema block, or the first mapped page.</summary>
    public nint Raw;

    /// <summary>For guarded layouts: the size requested from the schema, or the mapped length.</summary>
    public nint RawSize;

    /// <summary>The child allocator the block was drawn for, or null for this allocator's own block.</summary>
    public AllocatorBase? Child;
}
