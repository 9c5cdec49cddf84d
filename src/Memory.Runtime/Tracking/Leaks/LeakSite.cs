namespace Memory.Tracking;

/// <summary>The live allocations of one call site in a <see cref="LeakReport"/>.</summary>
public sealed class LeakSite
{
    internal LeakSite(string? file, int line, IReadOnlyList<AllocationRecord> allocations)
    {
        File = file;
        Line = line;
        Allocations = allocations;
        Bytes = allocations.Sum(static a => (long)a.RequestedSize);
    }

    /// <summary>The calling file, or null when the allocations carried no site.</summary>
    public string? File { get; }

    /// <summary>The calling line, or 0.</summary>
    public int Line { get; }

    /// <summary>"file:line", or "(unknown)".</summary>
    public string CallSite => AllocationRecord.FormatCallSite(File, Line);

    /// <summary>How many blocks from this site are live.</summary>
    public int Count => Allocations.Count;

    /// <summary>Their requested bytes.</summary>
    public long Bytes { get; }

    /// <summary>The blocks, oldest first.</summary>
    public IReadOnlyList<AllocationRecord> Allocations { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{CallSite}: {Count} x, {Bytes} bytes";
}
