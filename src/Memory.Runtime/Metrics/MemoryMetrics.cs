using System.Diagnostics.Metrics;

namespace Memory.Metrics;

/// <summary>
/// The live figures of every allocator as a <see cref="System.Diagnostics.Metrics"/> meter named
/// <c>Memory</c>, one measurement per allocator tagged <c>allocator</c> = its name:
/// <c>dotnet-counters monitor --counters Memory -p &lt;pid&gt;</c> shows them.
/// </summary>
/// <remarks>
/// Every instrument is observable: the figures are read from the allocators only when a listener
/// collects them, so the meter costs the allocation paths nothing. Counted figures need tracking
/// <see cref="Tracking.TrackingMode.Counters"/> or higher.
/// </remarks>
public static class MemoryMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Memory";

    /// <summary>The tag carrying the allocator's name.</summary>
    public const string AllocatorTag = "allocator";

    /// <summary>Bytes handed out and not yet freed (<see cref="IAllocator.NumAllocatedBytes"/>).</summary>
    public const string AllocatedInstrument = "memory.allocator.allocated";

    /// <summary>Bytes held from the allocator's source, used or not.</summary>
    public const string ReservedInstrument = "memory.allocator.reserved";

    /// <summary>The peak of the allocated bytes.</summary>
    public const string PeakInstrument = "memory.allocator.peak";

    /// <summary>Blocks allocated and not yet freed.</summary>
    public const string LiveAllocationsInstrument = "memory.allocator.live_allocations";

    /// <summary>Blocks allocated since the allocator was created (a monotonic counter).</summary>
    public const string AllocationsInstrument = "memory.allocator.allocations";

    private static readonly Meter Meter = CreateMeter();

    /// <summary>Makes sure the meter exists, so listeners see it even before anyone reads this class.</summary>
    internal static void EnsureCreated() => GC.KeepAlive(Meter);

    private static Meter CreateMeter()
    {
        var meter = new Meter(MeterName);
        meter.CreateObservableGauge(AllocatedInstrument, static () => Measure(static a => a.NumAllocatedBytes),
            unit: "By", description: "Bytes allocated and not yet freed, per allocator.");
        meter.CreateObservableGauge(ReservedInstrument, static () => Measure(static a => a.ReservedBytes),
            unit: "By", description: "Bytes held from the allocator's source, used or not, per allocator.");
        meter.CreateObservableGauge(PeakInstrument, static () => Measure(static a => a.Records.PeakBytes),
            unit: "By", description: "The peak of the allocated bytes, per allocator.");
        meter.CreateObservableGauge(LiveAllocationsInstrument, static () => Measure(static a => a.Records.LiveAllocations),
            unit: "{allocation}", description: "Blocks allocated and not yet freed, per allocator.");
        meter.CreateObservableCounter(AllocationsInstrument, static () => Measure(static a => a.Records.TotalAllocations),
            unit: "{allocation}", description: "Blocks allocated since the allocator was created, per allocator.");
        return meter;
    }

    private static IEnumerable<Measurement<long>> Measure(Func<AllocatorBase, long> read)
    {
        var allocators = AllocatorManager.Allocators;
        var measurements = new Measurement<long>[allocators.Count];
        for (int i = 0; i < allocators.Count; i++)
            measurements[i] = new Measurement<long>(read(allocators[i]), new KeyValuePair<string, object?>(AllocatorTag, allocators[i].Name));
        return measurements;
    }
}
