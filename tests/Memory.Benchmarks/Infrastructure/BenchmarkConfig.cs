using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Filters;

namespace Memory.Benchmarks.Infrastructure;

/// <summary>The configuration every run uses, whatever job or filter the command line adds.</summary>
public static class BenchmarkConfig
{
    /// <summary>
    /// The default configuration plus the memory diagnoser (GC collections and managed bytes per operation,
    /// which the GC and ArrayPool peers must pay for) and the <see cref="PeerFilter"/>.
    /// </summary>
    public static IConfig Create()
        => ManualConfig.Create(DefaultConfig.Instance)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddFilter(new SimpleFilter(PeerFilter.CanRun));
}
