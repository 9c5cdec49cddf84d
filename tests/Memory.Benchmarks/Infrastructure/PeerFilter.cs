using System.Reflection;
using BenchmarkDotNet.Running;
using Memory.Benchmarks.Peers;
using Memory.Benchmarks.Workloads;

namespace Memory.Benchmarks.Infrastructure;

/// <summary>
/// Decides which (workload, allocator) pairs run: a peer whose library is missing, or that cannot serve the
/// workload's sizes or threads, is left out, so the table shows an empty cell instead of a failed run.
/// </summary>
public static class PeerFilter
{
    /// <summary>Whether <paramref name="benchmark"/> can run on this machine.</summary>
    public static bool CanRun(BenchmarkCase benchmark)
    {
        PeerTraits? traits = TraitsOf(benchmark.Descriptor.WorkloadMethod);
        if (traits is null)
            return true;
        if (!typeof(AllocatorBenchmark).IsAssignableFrom(benchmark.Descriptor.Type))
            return traits.Unavailable is null;

        var workload = (AllocatorBenchmark)Activator.CreateInstance(benchmark.Descriptor.Type)!;
        foreach (var parameter in benchmark.Parameters.Items)
            Parameters.Set(workload, parameter.Name, parameter.Value);
        return traits.CanRun(workload.Needs);
    }

    /// <summary>The traits of the adapter a benchmark method runs, or null for a method without <see cref="PeerAttribute"/>.</summary>
    public static PeerTraits? TraitsOf(MethodInfo method)
        => method.GetCustomAttribute<PeerAttribute>() is { } peer ? TraitsOf(peer.Adapter) : null;

    /// <summary>The traits of an adapter type.</summary>
    public static PeerTraits TraitsOf(Type adapter)
        => (PeerTraits)adapter.GetProperty(nameof(IBenchAllocator<nint>.Traits), BindingFlags.Public | BindingFlags.Static)!
            .GetValue(null)!;
}

/// <summary>Sets benchmark parameters by name, as BenchmarkDotNet does, for code that runs workloads itself.</summary>
public static class Parameters
{
    /// <summary>Sets the field or property <paramref name="name"/> of <paramref name="target"/>.</summary>
    public static void Set(object target, string name, object? value)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
        Type type = target.GetType();
        if (type.GetProperty(name, flags) is { } property)
            property.SetValue(target, value);
        else if (type.GetField(name, flags) is { } field)
            field.SetValue(target, value);
        else
            throw new ArgumentException($"{type.Name} has no parameter {name}.", nameof(name));
    }
}
