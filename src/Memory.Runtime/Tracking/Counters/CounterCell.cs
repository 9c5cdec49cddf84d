namespace Memory.Tracking.Counters;

/// <summary>
/// One thread's share of an allocator's striped counters. Only <see cref="Owner"/> writes it, with plain
/// stores; readers sum every cell.
/// </summary>
internal sealed class CounterCell
{
    public CounterCell(AllocationCounters counters, Thread owner)
    {
        Counters = counters;
        Owner = owner;
    }

    /// <summary>The counters this cell belongs to (checked on every use: thread tables outlive slots).</summary>
    public AllocationCounters Counters { get; }

    /// <summary>The only thread that writes the cell; another thread takes it over once this one has exited.</summary>
    public Thread Owner;

    /// <summary>Usable bytes this thread allocated minus those it freed (negative when it frees others' blocks).</summary>
    public long Bytes;

    /// <summary>The part of <see cref="Bytes"/> already added to the published total that drives the peak.</summary>
    public long Published;

    /// <summary>Blocks this thread allocated.</summary>
    public long Allocations;

    /// <summary>Blocks this thread freed.</summary>
    public long Frees;
}
