using System.Globalization;
using Memory.Benchmarks.Infrastructure;
using Memory.Benchmarks.Peers;
using Memory.Benchmarks.Workloads;

namespace Memory.Benchmarks.Modes;

/// <summary>
/// <c>--overhead</c>: runs every workload once per allocator that reports its memory
/// (<see cref="IMeasuredHeap"/>: this project's allocators), and prints a Markdown table of peak live, peak
/// allocated and peak reserved bytes, and reserved over live. Also checks that each workload gives back
/// every byte it asked for (exit 1 otherwise).
/// </summary>
/// <remarks>
/// The C allocators are not in the table: glibc's own figures (<c>mallinfo2</c>) cover the whole process,
/// the runtime's allocations included, and its arenas keep what earlier runs freed, so an in-process
/// measurement of one workload would not be one.
/// </remarks>
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
        var notApplicable = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var workload in workloads)
        {
            foreach (var target in targets)
            {
                var instance = (AllocatorBenchmark)BenchmarkCatalog.CreateInstance(workload);
                if (!target.Traits.CanRun(instance.Needs))
                    continue;

                OverheadFigures figures = target.Measure(instance);
                if (figures is { PeakReserved: <= 0, PeakAllocated: <= 0, LiveAtEnd: 0 })
                {
                    notApplicable.Add(target.Traits.Name);
                    continue;
                }

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
        Console.WriteLine("Live: bytes requested and not yet freed. Allocated: the allocator's own count of live blocks " +
            "(usable sizes). Reserved: what it holds from its source, used or not. Peaks over one invocation of each workload.");
        foreach (string name in notApplicable)
            Console.WriteLine($"{name}: not applicable (it reports neither reserved nor allocated bytes with tracking off).");
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
