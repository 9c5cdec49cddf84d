using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Memory.Benchmarks.Peers;

namespace Memory.Benchmarks.Infrastructure;

/// <summary>The benchmarks of this assembly as BenchmarkDotNet sees them, for the modes that run them in-process.</summary>
public static class BenchmarkCatalog
{
    /// <summary>
    /// Every benchmark case that <paramref name="config"/> keeps, optionally only those whose name
    /// ("Class.Method(parameters)", see <see cref="CaseInstance.NameOf"/>) contains one of <paramref name="patterns"/>.
    /// </summary>
    public static IReadOnlyList<BenchmarkCase> Cases(IConfig config, IReadOnlyCollection<string> patterns)
    {
        var cases = new List<BenchmarkCase>();
        foreach (Type type in BenchmarkTypes())
        {
            foreach (BenchmarkCase benchmark in BenchmarkConverter.TypeToBenchmarks(type, config).BenchmarksCases)
            {
                string name = CaseInstance.NameOf(benchmark);
                if (patterns.Count == 0 || patterns.Any(p => name.Contains(p, StringComparison.OrdinalIgnoreCase)))
                    cases.Add(benchmark);
            }
        }
        return cases;
    }

    /// <summary>The benchmark classes: public, concrete, with at least one <c>[Benchmark]</c> method.</summary>
    public static IEnumerable<Type> BenchmarkTypes()
        => typeof(BenchmarkCatalog).Assembly.GetTypes()
            .Where(t => t.IsPublic && t.IsClass && !t.IsAbstract && !t.IsGenericTypeDefinition)
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            .OrderBy(t => t.Name, StringComparer.Ordinal);

    /// <summary>Every adapter named by a <see cref="PeerAttribute"/>, once each.</summary>
    public static IReadOnlyList<Type> Adapters()
        => BenchmarkTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => m.GetCustomAttribute<PeerAttribute>()?.Adapter)
            .OfType<Type>()
            .Distinct()
            .ToList();

    /// <summary>Prints which peers can run here and why the others cannot.</summary>
    public static void PrintPeers(TextWriter output)
    {
        foreach (Type adapter in Adapters())
        {
            PeerTraits traits = PeerFilter.TraitsOf(adapter);
            output.WriteLine(traits.Unavailable is null
                ? $"  {traits.Name,-24} available"
                : $"  {traits.Name,-24} skipped: {traits.Unavailable}");
        }
    }

    /// <summary>A new instance of the case's class with the case's parameters set.</summary>
    public static object CreateInstance(BenchmarkCase benchmark)
    {
        object instance = Activator.CreateInstance(benchmark.Descriptor.Type)!;
        foreach (var parameter in benchmark.Parameters.Items)
            Parameters.Set(instance, parameter.Name, parameter.Value);
        return instance;
    }
}
