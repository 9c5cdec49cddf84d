namespace Memory.Benchmarks.Workloads;

/// <summary>
/// Scales the operation counts of every invocation. 1 for measurements (each mimalloc-bench port is sized
/// for 10–100 ms per invocation); the smoke run lowers it so every workload and allocator runs in seconds.
/// </summary>
public static class WorkloadScale
{
    /// <summary>The factor applied by <see cref="Of"/>.</summary>
    public static double Factor { get; set; } = 1.0;

    /// <summary><paramref name="count"/> scaled, at least 1.</summary>
    public static int Of(int count) => Math.Max(1, (int)(count * Factor));
}
