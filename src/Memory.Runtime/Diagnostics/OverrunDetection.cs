namespace Memory.Diagnostics;

/// <summary>How an allocator catches writes past the ends of its blocks.</summary>
public enum OverrunDetection
{
    /// <summary>No guards: blocks are exactly what the schema hands out.</summary>
    None = 0,

    /// <summary>
    /// Bytes of a per-process random pattern before and after each block, verified when the block is
    /// freed and by <see cref="AllocatorBase.VerifyGuards"/>. Catches any overrun or underrun that stays
    /// within the guards (16 bytes after the end), after the fact.
    /// </summary>
    GuardBytes = 1,

    /// <summary>
    /// Each block gets pages of its own, mapped from the OS, ending against an inaccessible page: the
    /// first write past the end (past the alignment slack, which is checked like guard bytes) faults on
    /// the spot. Costs two pages or more per block; for hunting one overrun, not for production.
    /// </summary>
    GuardPage = 2,
}
