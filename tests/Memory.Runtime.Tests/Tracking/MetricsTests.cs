using System.Diagnostics.Metrics;
using Memory.Metrics;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Tracking;

public sealed class MetricsTests
{
    [Fact]
    public void TheMemoryMeterReportsEachAllocatorsFiguresTaggedWithItsName()
    {
        using var allocator = new SingleThreadedTestAllocator(TrackingMode.Counters);
        nint a = allocator.Allocate(1000);
        nint b = allocator.Allocate(500);
        allocator.DeAllocate(b);
        nint c = allocator.Allocate(100);

        var figures = Collect(allocator.Name);

        Assert.Equal(1100, figures[MemoryMetrics.AllocatedInstrument]);
        Assert.Equal(1500, figures[MemoryMetrics.PeakInstrument]);
        Assert.Equal(2, figures[MemoryMetrics.LiveAllocationsInstrument]);
        Assert.Equal(3, figures[MemoryMetrics.AllocationsInstrument]);
        Assert.Equal(0, figures[MemoryMetrics.ReservedInstrument]);

        allocator.DeAllocate(a);
        allocator.DeAllocate(c);
        Assert.Equal(0, Collect(allocator.Name)[MemoryMetrics.AllocatedInstrument]);
    }

    [Fact]
    public void AStripedAllocatorsFiguresAreReadBackExactly()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Counters);
        allocator.Records.Counters.MakeStriped();
        var blocks = Enumerable.Range(0, 10).Select(_ => allocator.Allocate(64)).ToArray();
        var figures = Collect(allocator.Name);
        Assert.Equal(640, figures[MemoryMetrics.AllocatedInstrument]);
        Assert.Equal(10, figures[MemoryMetrics.LiveAllocationsInstrument]);
        Assert.Equal(640, figures[MemoryMetrics.PeakInstrument]);
        foreach (var block in blocks)
            allocator.DeAllocate(block);
    }

    [Fact]
    public void AnAllocatorThatIsDisposedLeavesTheMeasurements()
    {
        var allocator = new ThreadSafeTestAllocator(TrackingMode.Counters);
        allocator.Dispose();
        Assert.Empty(Collect(allocator.Name));
    }

    /// <summary>Collects every instrument of the meter once and keeps the measurements tagged with the allocator's name.</summary>
    private static Dictionary<string, long> Collect(string allocatorName)
    {
        var figures = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MemoryMetrics.MeterName)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == MemoryMetrics.AllocatorTag && (string?)tag.Value == allocatorName)
                    figures[instrument.Name] = value;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return figures;
    }
}
