using System.Globalization;
using System.Text;

namespace Memory.Tracking;

/// <summary>
/// The blocks an allocator still holds, grouped by call site (file:line) and ordered largest first:
/// data to assert on, and readable text from <see cref="ToString"/>.
/// </summary>
/// <remarks>
/// Call sites come from records, so they need <see cref="TrackingMode.Records"/> or higher. In
/// <see cref="TrackingMode.Counters"/> the report still says how many blocks and bytes are live.
/// </remarks>
public sealed class LeakReport
{
    internal LeakReport(string allocatorName, TrackingMode mode, IReadOnlyList<AllocationRecord> records,
        long countedAllocations, long countedBytes)
    {
        AllocatorName = allocatorName;
        Mode = mode;
        CountedAllocations = countedAllocations;
        CountedBytes = countedBytes;
        Sites = records
            .GroupBy(static r => (r.File, r.Line))
            .Select(static g => new LeakSite(g.Key.File, g.Key.Line, g.OrderBy(static r => r.Sequence).ToArray()))
            .OrderByDescending(static s => s.Bytes)
            .ThenByDescending(static s => s.Count)
            .ThenBy(static s => s.CallSite, StringComparer.Ordinal)
            .ToArray();
        Count = Sites.Sum(static s => s.Count);
        Bytes = Sites.Sum(static s => s.Bytes);
    }

    /// <summary>The allocator reported on.</summary>
    public string AllocatorName { get; }

    /// <summary>Its tracking mode when the report was made.</summary>
    public TrackingMode Mode { get; }

    /// <summary>The call sites with live blocks, largest (in bytes) first.</summary>
    public IReadOnlyList<LeakSite> Sites { get; }

    /// <summary>Recorded live blocks.</summary>
    public int Count { get; }

    /// <summary>Requested bytes of the recorded live blocks.</summary>
    public long Bytes { get; }

    /// <summary>Live blocks according to the counters (0 when the allocator does not count).</summary>
    public long CountedAllocations { get; }

    /// <summary>Usable bytes of the live blocks according to the counters (0 when the allocator does not count).</summary>
    public long CountedBytes { get; }

    /// <summary>Whether nothing is live, as far as records and counters know.</summary>
    public bool IsEmpty => Count == 0 && CountedAllocations <= 0;

    /// <summary>The report as text: a summary line, then one line per call site, largest first.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        if (IsEmpty)
        {
            text.Append(culture, $"No leaks in '{AllocatorName}'.").AppendLine();
            return text.ToString();
        }

        if (Count == 0)
        {
            text.Append(culture,
                $"'{AllocatorName}' still holds {Plural(CountedAllocations, "allocation")} ({CountedBytes:N0} bytes); ")
                .Append(culture, $"tracking mode {Mode} keeps no records, so their call sites are unknown.").AppendLine();
            return text.ToString();
        }

        text.Append(culture,
            $"Leaks in '{AllocatorName}': {Plural(Count, "allocation")}, {Bytes:N0} bytes, from {Plural(Sites.Count, "call site")}")
            .AppendLine();
        foreach (var site in Sites)
        {
            text.Append(culture, $"  {site.Bytes,12:N0} bytes in {Plural(site.Count, "allocation"),-16} at {site.CallSite}");
            var names = site.Allocations.Select(static a => a.Name).Where(static n => n is not null).Distinct().Take(4).ToArray();
            if (names.Length > 0)
                text.Append(" (").Append(string.Join(", ", names)).Append(')');
            text.AppendLine();

            string? stack = site.Allocations[0].StackTrace;
            if (!string.IsNullOrEmpty(stack))
            {
                foreach (var frame in stack.Split(System.Environment.NewLine))
                    text.Append("      ").AppendLine(frame.Trim());
            }
        }
        return text.ToString();
    }

    private static string Plural(long count, string noun)
        => count.ToString("N0", CultureInfo.InvariantCulture) + " " + noun + (count == 1 ? "" : "s");
}
