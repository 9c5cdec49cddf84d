namespace Memory.Tracking;

/// <summary>A budget in force on one allocator, and whether it is over it (so a report is made once per excursion).</summary>
internal sealed class AllocatorBudget(long bytes, BudgetPolicy policy)
{
    public long Bytes { get; } = bytes;

    public BudgetPolicy Policy { get; } = policy;

    /// <summary>1 while the allocator is over the budget and has reported it; 0 otherwise.</summary>
    public int Exceeded;
}
