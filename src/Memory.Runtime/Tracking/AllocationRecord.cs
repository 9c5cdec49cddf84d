namespace Memory.Tracking;

/// <summary>What tracking remembers of one live allocation.</summary>
/// <param name="Address">The block's address.</param>
/// <param name="RequestedSize">The size the caller asked for.</param>
/// <param name="Size">The usable size the schema gave.</param>
/// <param name="Alignment">The alignment asked for (0 for the default).</param>
/// <param name="Name">The caller's label, if any.</param>
/// <param name="File">The calling file, if known.</param>
/// <param name="Line">The calling line, or 0 when unknown.</param>
/// <param name="Timestamp">When it was allocated (UTC).</param>
/// <param name="StackTrace">The allocating stack, in <see cref="TrackingMode.RecordsWithStacks"/>.</param>
public sealed record AllocationRecord(
    nint Address,
    nint RequestedSize,
    nint Size,
    nint Alignment,
    string? Name,
    string? File,
    int Line,
    DateTime Timestamp,
    string? StackTrace)
{
    /// <summary>"file:line", or "(unknown)" when the caller passed no site.</summary>
    public string CallSite => string.IsNullOrEmpty(File) ? "(unknown)" : $"{File}:{Line}";
}
