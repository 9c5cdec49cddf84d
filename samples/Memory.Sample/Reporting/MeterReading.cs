using System.Diagnostics.Metrics;
using Memory.Metrics;

namespace Memory.Sample.Reporting;

/// <summary>
/// One reading of the <c>Memory</c> meter, taken in-process with a <see cref="MeterListener"/>: the same
/// figures <c>dotnet-counters</c> or an OpenTelemetry exporter collect, per allocator.
/// </summary>
public sealed class MeterReading
{
    private readonly List<string> _allocators = [];
    private readonly Dictionary<(string Allocator, string Instrument), long> _values = [];

    private MeterReading()
    {
    }

    /// <summary>The allocators measured, in the order the meter reported them (registration order).</summary>
    public IReadOnlyList<string> Allocators => _allocators;

    /// <summary>The value of <paramref name="instrument"/> (a <see cref="MemoryMetrics"/> name) for <paramref name="allocator"/>.</summary>
    public long this[string allocator, string instrument] => _values[(allocator, instrument)];

    /// <summary>Collects every instrument of the meter once.</summary>
    public static MeterReading Take()
    {
        var reading = new MeterReading();
        using var listener = new MeterListener();
        listener.InstrumentPublished = static (instrument, listener) =>
        {
            if (instrument.Meter.Name == MemoryMetrics.MeterName)
                listener.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => reading.Add(instrument.Name, value, tags));
        listener.Start();
        // The instruments are observable: they read the allocators now, and only because a listener asks.
        listener.RecordObservableInstruments();
        return reading;
    }

    private void Add(string instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key != MemoryMetrics.AllocatorTag || tag.Value is not string allocator)
                continue;
            if (!_allocators.Contains(allocator))
                _allocators.Add(allocator);
            _values[(allocator, instrument)] = value;
        }
    }
}
