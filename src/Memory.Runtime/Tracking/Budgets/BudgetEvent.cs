namespace Memory.Tracking;

/// <summary>An allocation took an allocator over its budget (policy <see cref="BudgetPolicy.Report"/>).</summary>
/// <param name="Allocator">The allocator.</param>
/// <param name="BudgetBytes">Its budget.</param>
/// <param name="AllocatedBytes">What it held before the allocation.</param>
/// <param name="RequestedBytes">The size requested.</param>
public readonly record struct BudgetEvent(AllocatorBase Allocator, long BudgetBytes, long AllocatedBytes, long RequestedBytes);
