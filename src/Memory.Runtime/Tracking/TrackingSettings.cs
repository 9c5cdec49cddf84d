using Memory.Diagnostics;

namespace Memory.Tracking;

/// <summary>
/// Tracking settings for allocators of one name, as set through <see cref="AllocatorManager"/> or read
/// from the <c>MEMORY_TRACKING</c> environment variable; null members are not set.
/// </summary>
internal readonly record struct TrackingSettings(TrackingMode? Mode, bool? Checked, OverrunDetection? Overrun)
{
    /// <summary>The name that applies to every allocator without settings of its own.</summary>
    public const string AllAllocators = "*";

    /// <summary>These settings, with those of <paramref name="fallback"/> where these have none.</summary>
    public TrackingSettings Or(TrackingSettings fallback)
        => new(Mode ?? fallback.Mode, Checked ?? fallback.Checked, Overrun ?? fallback.Overrun);

    /// <summary>
    /// Reads <c>Name=Setting,Setting;Name=Setting</c>, where a setting is a <see cref="TrackingMode"/>
    /// (<c>None</c>, <c>Counters</c>, <c>Records</c>, <c>RecordsWithStacks</c>), <c>Checked</c>, or an
    /// <see cref="OverrunDetection"/> (<c>GuardBytes</c>, <c>GuardPage</c>); names and settings ignore case,
    /// <c>+</c> also separates settings, and anything unrecognised is skipped.
    /// </summary>
    public static Dictionary<string, TrackingSettings> Parse(string? text)
    {
        var settings = new Dictionary<string, TrackingSettings>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(text))
            return settings;

        foreach (var entry in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = entry.IndexOf('=');
            if (equals <= 0)
                continue;
            string name = entry[..equals].Trim();
            settings.TryGetValue(name, out var current);
            foreach (var word in entry[(equals + 1)..].Split([',', '+'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (word.Equals("Checked", StringComparison.OrdinalIgnoreCase))
                    current = current with { Checked = true };
                else if (int.TryParse(word, out _))
                    continue; // enum parsing would accept numbers
                else if (Enum.TryParse<TrackingMode>(word, ignoreCase: true, out var mode))
                    current = current with { Mode = mode };
                else if (Enum.TryParse<OverrunDetection>(word, ignoreCase: true, out var overrun))
                    current = current with { Overrun = overrun };
            }
            settings[name] = current;
        }
        return settings;
    }
}
