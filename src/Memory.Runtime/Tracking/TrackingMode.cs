namespace Memory.Tracking;

/// <summary>How much an allocator remembers about the memory it hands out.</summary>
public enum TrackingMode
{
    /// <summary>Nothing beyond what the schema itself knows: the fastest path.</summary>
    None = 0,

    /// <summary>Exact live bytes, peak bytes and allocation counts.</summary>
    Counters = 1,

    /// <summary>Counters plus one record per live allocation: size, alignment, name, file, line, time.</summary>
    Records = 2,

    /// <summary>Records plus the stack trace of each allocation.</summary>
    RecordsWithStacks = 3,
}
