using System.Globalization;
using System.Text;
using Memory.Tracking;

namespace Memory;

/// <summary>
/// The registry of live allocators: garbage collection across all of them, tracking modes by name,
/// out-of-memory handling and the report of what every allocator holds.
/// </summary>
public static class AllocatorManager
{
    /// <summary>
    /// The environment variable read for tracking modes before any allocator exists:
    /// <c>Name=Mode;Name=Mode</c>, with <c>*</c> for every allocator, e.g. <c>*=Counters;SystemAllocator=Records</c>.
    /// </summary>
    public const string TrackingVariable = "MEMORY_TRACKING";

    private static readonly object Gate = new();
    private static readonly List<AllocatorBase> Registered = [];
    private static readonly Dictionary<string, TrackingMode> ConfiguredModes = ReadConfiguredModes();
    private static readonly List<Func<AllocatorBase, nint, bool>> OutOfMemoryListeners = [];

    /// <summary>The tracking mode an allocator gets when nothing was configured for it.</summary>
    public static TrackingMode DefaultTrackingMode { get; set; } = TrackingMode.Counters;

    /// <summary>The live allocators, in registration order.</summary>
    public static IReadOnlyList<AllocatorBase> Allocators
    {
        get
        {
            lock (Gate)
                return Registered.ToArray();
        }
    }

    /// <summary>Finds a live allocator by name.</summary>
    public static AllocatorBase? Find(string name)
    {
        lock (Gate)
            return Registered.Find(a => a.Name == name);
    }

    /// <summary>
    /// Sets the tracking mode of the allocator called <paramref name="name"/>: now if it exists, and for any
    /// allocator of that name created later.
    /// </summary>
    public static void SetTrackingMode(string name, TrackingMode mode)
    {
        lock (Gate)
        {
            ConfiguredModes[name] = mode;
            foreach (var allocator in Registered)
            {
                if (allocator.Name == name)
                    allocator.Records.Mode = mode;
            }
        }
    }

    /// <summary>Asks every allocator to return cached memory, newest first so children release before parents.</summary>
    public static void GarbageCollect()
    {
        foreach (var allocator in Allocators.Reverse())
            allocator.GarbageCollect();
    }

    /// <summary>
    /// Adds a listener called when an allocator cannot satisfy a request, with the allocator and the size.
    /// A listener that freed memory returns true; the allocation is then retried once after
    /// <see cref="GarbageCollect"/>.
    /// </summary>
    public static void AddOutOfMemoryListener(Func<AllocatorBase, nint, bool> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (Gate)
            OutOfMemoryListeners.Add(listener);
    }

    /// <summary>Removes a listener added with <see cref="AddOutOfMemoryListener"/>.</summary>
    public static void RemoveOutOfMemoryListener(Func<AllocatorBase, nint, bool> listener)
    {
        lock (Gate)
            OutOfMemoryListeners.Remove(listener);
    }

    /// <summary>A text report of every allocator as a tree: children under their parents.</summary>
    public static string GetReport()
    {
        var allocators = Allocators;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{"Allocator",-40} {"Used",14} {"Peak",14} {"Reserved",14} {"Allocations",12}  Parent");
        foreach (var root in allocators.Where(a => a.Parent is null || !allocators.Contains(a.Parent)))
            AppendTree(text, root, allocators, depth: 0);
        return text.ToString();
    }

    internal static void Register(AllocatorBase allocator)
    {
        lock (Gate)
            Registered.Add(allocator);
    }

    internal static void Unregister(AllocatorBase allocator)
    {
        lock (Gate)
            Registered.Remove(allocator);
    }

    internal static TrackingMode InitialTrackingMode(string name)
    {
        lock (Gate)
        {
            if (ConfiguredModes.TryGetValue(name, out var mode))
                return mode;
            return ConfiguredModes.TryGetValue("*", out var all) ? all : DefaultTrackingMode;
        }
    }

    /// <summary>Runs the listeners and a garbage collection; true when a retry is worth making.</summary>
    internal static bool HandleOutOfMemory(AllocatorBase allocator, nint size, nint alignment)
    {
        Func<AllocatorBase, nint, bool>[] listeners;
        lock (Gate)
            listeners = OutOfMemoryListeners.ToArray();
        foreach (var listener in listeners)
            listener(allocator, size);
        GarbageCollect();
        return true;
    }

    private static void AppendTree(StringBuilder text, AllocatorBase node, IReadOnlyList<AllocatorBase> all, int depth)
    {
        string name = new string(' ', depth * 2) + node.Name;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{name,-40} {node.NumAllocatedBytes,14:N0} {node.Records.PeakBytes,14:N0} {node.ReservedBytes,14:N0} {node.Records.LiveAllocations,12:N0}  {node.Parent?.Name ?? "-"}");
        foreach (var child in all.Where(a => a.Parent == node))
            AppendTree(text, child, all, depth + 1);
    }

    private static Dictionary<string, TrackingMode> ReadConfiguredModes()
    {
        var modes = new Dictionary<string, TrackingMode>(StringComparer.Ordinal);
        string? setting = System.Environment.GetEnvironmentVariable(TrackingVariable);
        if (string.IsNullOrWhiteSpace(setting))
            return modes;
        foreach (var entry in setting.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = entry.IndexOf('=');
            if (equals > 0 && Enum.TryParse<TrackingMode>(entry[(equals + 1)..].Trim(), ignoreCase: true, out var mode))
                modes[entry[..equals].Trim()] = mode;
        }
        return modes;
    }
}
