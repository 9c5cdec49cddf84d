using System.Globalization;
using Memory.Benchmarks.Infrastructure;
using Memory.Benchmarks.Peers;
using Memory.Benchmarks.Workloads;

namespace Memory.Benchmarks.Modes;

/// <summary>
/// <c>--overhead</c>: runs every workload once per allocator that reports its memory
/// (<see cref="IMeasuredHeap"/>: this project's allocators, and glibc through <c>mallinfo2</c>), and prints
/// a Markdown table of peak live, peak allocated and peak reserved bytes, and reserved over live. Also checks
/// that each workload gives back every byte it asked for (exit 1 otherwise).
/// </summary>
public static class OverheadReport
{
    /// <summary>Runs the report; <paramref name="patterns"/> restrict it to workloads whose name contains one.</summary>
    public static int Run(IReadOnlyCollection<string> patterns)
    {
        var targets = BenchmarkCatalog.Adapters()
            .Where(a => typeof(IMeasuredHeap).IsAssignableFrom(a))
            .Select(a => (IOverheadTarget)Activator.CreateInstance(typeof(OverheadTarget<>).MakeGenericType(a))!)
            .Where(t => t.Traits.Unavailable is null)
            .ToList();

        // One case per (workload, parameters): the NativeMemory method stands for the workload.
        var workloads = BenchmarkCatalog.Cases(BenchmarkConfig.Create(), [])
            .Where(c => typeof(AllocatorBenchmark).IsAssignableFrom(c.Descriptor.Type))
            .Where(c => c.Descriptor.WorkloadMethod.Name == nameof(AllocatorBenchmark.NativeMemory))
            .Where(c => patterns.Count == 0 || patterns.Any(p => c.Descriptor.Type.Name.Contains(p, StringComparison.OrdinalIgnoreCase)))
            .ToList();

        Console.WriteLine("| Workload | Parameters | Allocator | Peak live | Peak allocated | Peak reserved | Reserved / live |");
        Console.WriteLine("|---|---|---|---:|---:|---:|---:|");
        int leaks = 0;
        foreach (var workload in workloads)
        {
            foreach (var target in targets)
            {
                var instance = (AllocatorBenchmark)BenchmarkCatalog.CreateInstance(workload);
                if (!target.Traits.CanRun(instance.Needs))
                    continue;

                OverheadFigures figures = target.Measure(instance);
                bool leaked = figures.LiveAtEnd != 0;
                leaks += leaked ? 1 : 0;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {workload.Descriptor.Type.Name} | {workload.Parameters.DisplayInfo} | {target.Traits.Name} " +
                    $"| {Bytes(figures.PeakLive)} | {Bytes(figures.PeakAllocated)} | {Bytes(figures.PeakReserved)} " +
                    $"| {(figures.Overhead is { } o ? o.ToString("F2", CultureInfo.InvariantCulture) : "n/a")}" +
                    $"{(leaked ? $" (LEAK: {figures.LiveAtEnd} B not freed)" : "")} |"));
            }
        }

        Console.WriteLine();
        Console.WriteLine("Live: bytes requested and not yet freed. Allocated: the allocator's own count of live blocks. " +
            "Reserved: what it holds from its source. glibc's figures come from mallinfo2 and cover the whole process " +
            "(taken as differences from the start of each run, after malloc_trim), so they are approximate.");
        return leaks == 0 ? 0 : 1;
    }

    private static string Bytes(long bytes) => bytes <= 0 ? "n/a" : bytes.ToString("N0", CultureInfo.InvariantCulture);

    private interface IOverheadTarget
    {
        PeerTraits Traits { get; }

        OverheadFigures Measure(AllocatorBenchmark workload);
    }

    private sealed class OverheadTarget<TPeer> : IOverheadTarget
        where TPeer : struct, IBenchAllocator<nint>, IMeasuredHeap
    {
        public PeerTraits Traits => TPeer.Traits;

        public OverheadFigures Measure(AllocatorBenchmark workload)
        {
            OverheadProbe<TPeer>.Begin();
            workload.Invoke<OverheadProbe<TPeer>, nint>();
            OverheadProbe<TPeer>.Sample();
            workload.Cleanup();
            return OverheadProbe<TPeer>.End();
        }
    }
}
