namespace Memory.Tracking;

/// <summary>
/// An allocation would have taken an allocator over a budget set with policy <see cref="BudgetPolicy.Throw"/>;
/// nothing was allocated.
/// </summary>
public sealed class AllocatorBudgetExceededException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public AllocatorBudgetExceededException(string allocatorName, long budgetBytes, long allocatedBytes, long requestedBytes)
        : base($"{allocatorName}: allocating {requestedBytes:N0} bytes would exceed its budget of {budgetBytes:N0} bytes ({allocatedBytes:N0} bytes in use).")
    {
        AllocatorName = allocatorName;
        BudgetBytes = budgetBytes;
        AllocatedBytes = allocatedBytes;
        RequestedBytes = requestedBytes;
    }

    /// <summary>The allocator.</summary>
    public string AllocatorName { get; }

    /// <summary>Its budget.</summary>
    public long BudgetBytes { get; }

    /// <summary>What it held when the allocation was refused.</summary>
    public long AllocatedBytes { get; }

    /// <summary>The size requested.</summary>
    public long RequestedBytes { get; }
}
