using System.Reflection;
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

    // The first workload run whose Invoke the JIT may inline into BenchmarkDotNet's method, or null (see IWorkloadRun).
    private static readonly Lazy<Type?> s_inlinableRun = new(() => typeof(IWorkloadRun).Assembly.GetTypes()
        .Where(type => type.IsClass && type.GetInterfaces().Contains(typeof(IWorkloadRun)))
        .FirstOrDefault(type => (type.GetMethod(nameof(IWorkloadRun.Invoke))!.MethodImplementationFlags & MethodImplAttributes.NoInlining) == 0));

    /// <summary>"Class.Method(parameters)".</summary>
    public static string NameOf(BenchmarkCase benchmark)
        => $"{benchmark.Descriptor.Type.Name}.{benchmark.Descriptor.WorkloadMethod.Name}({benchmark.Parameters.DisplayInfo})";

    /// <summary>Creates the case's class with its parameters and runs its global setup.</summary>
    /// <exception cref="InvalidOperationException">A workload whose cleanup BenchmarkDotNet would not see.</exception>
    public static CaseInstance Start(BenchmarkCase benchmark)
    {
        if (typeof(AllocatorBenchmark).IsAssignableFrom(benchmark.Descriptor.Type))
        {
            // A workload's threads and blocks are released by its [GlobalCleanup]: BenchmarkDotNet must see it.
            if (benchmark.Descriptor.GlobalCleanupMethod is null)
                throw new InvalidOperationException("BenchmarkDotNet does not see the workload's [GlobalCleanup].");
            if (s_inlinableRun.Value is { } run)
                throw new InvalidOperationException($"{run.DeclaringType?.Name}.{run.Name}.Invoke is not NoInlining (see IWorkloadRun.Invoke).");
        }

        object instance = BenchmarkCatalog.CreateInstance(benchmark);
        benchmark.Descriptor.GlobalSetupMethod?.Invoke(instance, null);
        return new CaseInstance(benchmark, instance);
    }

    /// <summary>What a case threw: the exception inside the reflection call's wrapper.</summary>
    public static Exception CauseOf(Exception exception)
        => exception is TargetInvocationException { InnerException: { } inner } ? inner : exception;

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
