namespace Memory.Tracking;

/// <summary>What an allocator does when an allocation would take it over its byte budget.</summary>
public enum BudgetPolicy
{
    /// <summary>Allocate anyway and tell the budget listeners of <see cref="AllocatorManager"/> (once per excursion over the budget).</summary>
    Report = 0,

    /// <summary>Refuse: throw <see cref="AllocatorBudgetExceededException"/> before allocating anything.</summary>
    Throw = 1,
}
