using BenchmarkDotNet.Running;
using Memory.Benchmarks.Workloads;

namespace Memory.Benchmarks.Infrastructure;

/// <summary>
/// One benchmark case run in this process the way BenchmarkDotNet runs it: set up, invoked as often as the caller
/// asks, cleaned up. For the modes that run cases without BenchmarkDotNet (<c>--smoke</c>, <c>--profile</c>).
/// </summary>
public sealed class CaseInstance : IDisposable
{
    private readonly BenchmarkCase _case;
    private readonly object _instance;
    private bool _disposed;

    private CaseInstance(BenchmarkCase benchmark, object instance)
    {
        _case = benchmark;
        _instance = instance;
    }

    /// <summary>"Class.Method(parameters)".</summary>
    public static string NameOf(BenchmarkCase benchmark)
        => $"{benchmark.Descriptor.Type.Name}.{benchmark.Descriptor.WorkloadMethod.Name}({benchmark.Parameters.DisplayInfo})";

    /// <summary>Creates the case's class with its parameters and runs its global setup.</summary>
    /// <exception cref="InvalidOperationException">A workload whose cleanup BenchmarkDotNet would not see.</exception>
    public static CaseInstance Start(BenchmarkCase benchmark)
    {
        // A workload's threads and blocks are released by its [GlobalCleanup]: BenchmarkDotNet must see it.
        if (typeof(AllocatorBenchmark).IsAssignableFrom(benchmark.Descriptor.Type) && benchmark.Descriptor.GlobalCleanupMethod is null)
            throw new InvalidOperationException("BenchmarkDotNet does not see the workload's [GlobalCleanup].");

        object instance = BenchmarkCatalog.CreateInstance(benchmark);
        benchmark.Descriptor.GlobalSetupMethod?.Invoke(instance, null);
        return new CaseInstance(benchmark, instance);
    }

    /// <summary>One invocation, with the iteration setup and cleanup around it.</summary>
    public void Invoke()
    {
        _case.Descriptor.IterationSetupMethod?.Invoke(_instance, null);
        _case.Descriptor.WorkloadMethod.Invoke(_instance, null);
        _case.Descriptor.IterationCleanupMethod?.Invoke(_instance, null);
    }

    /// <summary>Runs the global cleanup once.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _case.Descriptor.GlobalCleanupMethod?.Invoke(_instance, null);
    }
}
