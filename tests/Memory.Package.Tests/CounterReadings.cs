using System.Globalization;

namespace Memory.Package.Tests;

/// <summary>
/// The rows of <c>dotnet-counters collect --format csv</c>: timestamp, provider, counter name (with its tags in
/// brackets), counter type, value.
/// </summary>
internal sealed class CounterReadings
{
    private readonly List<(string Counter, string Tags, double Value)> _rows = [];

    public static CounterReadings FromCsv(IEnumerable<string> lines)
    {
        var readings = new CounterReadings();
        foreach (string line in lines.Skip(1))
        {
            string[] fields = line.Split(',');
            if (fields.Length < 5 || !double.TryParse(fields[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                continue;
            // The name may hold commas between its tags: everything between the provider and the type.
            string name = string.Join(",", fields[2..^2]);
            int bracket = name.IndexOf('[', StringComparison.Ordinal);
            string counter = bracket < 0 ? name : name[..bracket];
            string tags = bracket < 0 ? "" : name[(bracket + 1)..].TrimEnd(']');
            readings._rows.Add((counter.Trim(), tags, value));
        }
        return readings;
    }

    public bool Has(string instrument, string allocator) => Rows(instrument, allocator).Any();

    /// <summary>The last value read of <paramref name="instrument"/> for <paramref name="allocator"/>.</summary>
    public double Last(string instrument, string allocator)
    {
        var rows = Rows(instrument, allocator).ToList();
        Assert.True(rows.Count > 0, $"No reading of {instrument} for {allocator}");
        return rows[^1].Value;
    }

    private IEnumerable<(string Counter, string Tags, double Value)> Rows(string instrument, string allocator)
        => _rows.Where(r => r.Counter.StartsWith(instrument, StringComparison.Ordinal)
            && r.Tags.Split(';', ',').Select(t => t.Trim()).Contains("allocator=" + allocator));
}
