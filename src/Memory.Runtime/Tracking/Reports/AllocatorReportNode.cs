namespace Memory.Tracking;

/// <summary>One allocator in the tree of <see cref="AllocatorManager.GetReportTree"/>, with its children.</summary>
public sealed class AllocatorReportNode
{
    internal AllocatorReportNode(AllocatorBase allocator, IReadOnlyList<AllocatorReportNode> children)
    {
        Name = allocator.Name;
        ParentName = allocator.Parent?.Name;
        Mode = allocator.Records.Mode;
        UsedBytes = allocator.NumAllocatedBytes;
        ReservedBytes = allocator.ReservedBytes;
        PeakBytes = allocator.Records.PeakBytes;
        LiveAllocations = allocator.Records.LiveAllocations;
        BudgetBytes = allocator.BudgetBytes;
        Children = children;
    }

    /// <summary>The allocator's name.</summary>
    public string Name { get; }

    /// <summary>The parent's name, for child allocators.</summary>
    public string? ParentName { get; }

    /// <summary>Its tracking mode.</summary>
    public TrackingMode Mode { get; }

    /// <summary>Bytes handed out (<see cref="IAllocator.NumAllocatedBytes"/>).</summary>
    public long UsedBytes { get; }

    /// <summary>Bytes held from its source, used or not.</summary>
    public long ReservedBytes { get; }

    /// <summary>The peak of the used bytes, while counting.</summary>
    public long PeakBytes { get; }

    /// <summary>Live blocks, while counting.</summary>
    public long LiveAllocations { get; }

    /// <summary>Its byte budget, if one is set.</summary>
    public long? BudgetBytes { get; }

    /// <summary>The allocators drawing from this one.</summary>
    public IReadOnlyList<AllocatorReportNode> Children { get; }
}
