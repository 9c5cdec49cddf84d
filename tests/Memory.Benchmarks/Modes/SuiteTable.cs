using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using Memory.Benchmarks.Workloads;

namespace Memory.Benchmarks.Modes;

/// <summary>
/// <c>--table [results directory]</c>: the full suite's table (docs/benchmarks.md, "Full suite") from the CSV reports
/// a BenchmarkDotNet run left, one row per allocator and one column per workload, each cell the Ratio column
/// (time against NativeMemory) for every parameter value in order, so that the table is copied from a run, never
/// typed in.
/// </summary>
/// <remarks>
/// A workload with more than three parameter combinations (glibc-simple's sizes times counts) gets the geometric
/// mean of its ratios and their range. A pair that did not run (an allocator that cannot serve the workload, a
/// missing peer) is a dash; one that ran and failed is "NA", as BenchmarkDotNet writes it.
/// </remarks>
public static class SuiteTable
{
    private const string DefaultResults = "BenchmarkDotNet.Artifacts/results";

    /// <summary>Prints the table; exit code 1 when no workload report is found.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        string directory = args.Count > 0 ? args[0] : DefaultResults;
        var workloads = typeof(AllocatorBenchmark).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(AllocatorBenchmark).IsAssignableFrom(t))
            .Select(t => (Type: t, Report: Path.Combine(directory, $"{t.FullName}-report.csv")))
            .Where(w => File.Exists(w.Report))
            .OrderBy(w => w.Type.Name, StringComparer.Ordinal)
            .ToList();
        if (workloads.Count == 0)
        {
            Console.Error.WriteLine($"--table: no workload reports (*-report.csv) in {Path.GetFullPath(directory)}");
            return 1;
        }

        var columns = new List<(string Header, Dictionary<string, string> Cells)>();
        var allocators = new List<string>();
        foreach (var (type, report) in workloads)
        {
            var parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetCustomAttribute<ParamsAttribute>() is not null)
                .Select(p => p.Name)
                .ToList();
            var rows = ReadCsv(report);
            // Arrays compare by reference: one combination per distinct joined key.
            var combinations = rows.Select(r => Key(r, parameters)).DistinctBy(k => string.Join("\u0001", k))
                .OrderBy(k => k, KeyComparer.Instance).ToList();
            string header = type.Name + (combinations.Count is > 1 and <= 3 ? " " + string.Join("/", combinations.Select(c => string.Join("x", c))) : "");
            var cells = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var method in rows.Select(r => r["Method"]).Distinct())
            {
                if (!allocators.Contains(method))
                    allocators.Add(method);
                var ratios = combinations
                    .Select(c => rows.FirstOrDefault(r => r["Method"] == method && Key(r, parameters).SequenceEqual(c)))
                    .Select(r => r is null ? "—" : r.TryGetValue("Ratio", out var ratio) && ratio.Length > 0 ? ratio : "NA")
                    .ToList();
                cells[method] = combinations.Count <= 3 ? string.Join(" / ", ratios) : Summarise(ratios);
            }
            columns.Add((header, cells));
        }

        Console.WriteLine("| Allocator | " + string.Join(" | ", columns.Select(c => c.Header)) + " |");
        Console.WriteLine("|---|" + string.Concat(columns.Select(_ => "---|")));
        foreach (var allocator in allocators)
            Console.WriteLine($"| {allocator} | " + string.Join(" | ", columns.Select(c => c.Cells.GetValueOrDefault(allocator, "—"))) + " |");
        return 0;
    }

    private static string[] Key(Dictionary<string, string> row, List<string> parameters)
        => parameters.Select(p => row.GetValueOrDefault(p, "")).ToArray();

    /// <summary>The geometric mean of the ratios that ran, and their range.</summary>
    private static string Summarise(List<string> ratios)
    {
        var values = ratios
            .Select(r => double.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN)
            .Where(v => !double.IsNaN(v) && v > 0)
            .ToList();
        if (values.Count == 0)
            return ratios.All(r => r == "—") ? "—" : "NA";
        double mean = Math.Exp(values.Average(Math.Log));
        return string.Create(CultureInfo.InvariantCulture, $"{mean:F2} ({values.Min():F2}-{values.Max():F2})");
    }

    /// <summary>BenchmarkDotNet's CSV: a header, then one row per case; a field with a comma is quoted.</summary>
    private static List<Dictionary<string, string>> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = SplitCsvLine(lines[0]);
        return lines.Skip(1)
            .Where(line => line.Length > 0)
            .Select(line => header.Zip(SplitCsvLine(line)).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal))
            .ToList();
    }

    private static List<string> SplitCsvLine(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        foreach (char c in line)
        {
            if (c == '"')
                quoted = !quoted;
            else if (c == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
                field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }

    /// <summary>Orders parameter combinations by their values, as numbers where they are.</summary>
    private sealed class KeyComparer : IComparer<string[]>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare(string[]? x, string[]? y)
        {
            for (int i = 0; i < Math.Min(x!.Length, y!.Length); i++)
            {
                int order = double.TryParse(x[i], CultureInfo.InvariantCulture, out double a) && double.TryParse(y[i], CultureInfo.InvariantCulture, out double b)
                    ? a.CompareTo(b)
                    : string.CompareOrdinal(x[i], y[i]);
                if (order != 0)
                    return order;
            }
            return x.Length.CompareTo(y.Length);
        }
    }
}
