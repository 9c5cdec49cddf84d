using System.Globalization;
using System.Text;
using Memory.Diagnostics;
using Memory.Metrics;
using Memory.Tracking;

namespace Memory;

/// <summary>
/// The registry of live allocators: tracking settings by name (also from the <c>MEMORY_TRACKING</c>
/// environment variable), garbage collection across all of them, out-of-memory handling, byte budgets,
/// leak reports, the report of what every allocator holds, and the memory system's lifetime.
/// </summary>
/// <remarks>
/// Settings given by name apply to the live allocators of that name at once and to any created later,
/// so they can be made before an allocator exists: a process-wide allocator created lazily by
/// <see cref="AllocatorInstance{T}"/> starts with them.
/// </remarks>
public static class AllocatorManager
{
    /// <summary>
    /// The environment variable read, once, for tracking settings before any allocator exists:
    /// <c>Name=Setting,Setting;Name=Setting</c>, with <c>*</c> for every allocator. A setting is a
    /// <see cref="TrackingMode"/>, <c>Checked</c>, <c>GuardBytes</c> or <c>GuardPage</c>; for example
    /// <c>*=Counters;PoolAllocator=Records,Checked,GuardBytes</c>.
    /// </summary>
    public const string TrackingVariable = "MEMORY_TRACKING";

    /// <summary>The environment variable that turns on <see cref="ReportLeaksAtExit"/> when set to <c>1</c> or <c>true</c>.</summary>
    public const string LeaksAtExitVariable = "MEMORY_LEAKS_AT_EXIT";

    private static readonly object Gate = new();
    private static readonly List<AllocatorBase> Registered = [];
    private static readonly Dictionary<string, TrackingSettings> Settings =
        TrackingSettings.Parse(System.Environment.GetEnvironmentVariable(TrackingVariable));
    private static readonly Dictionary<string, (long Bytes, BudgetPolicy Policy)> Budgets = new(StringComparer.Ordinal);
    private static readonly List<(AllocatorBase Allocator, Action Destroy)> Instances = [];
    private static Action<OutOfMemoryEvent>[] s_outOfMemoryListeners = [];
    private static Action<BudgetEvent>[] s_budgetListeners = [];
    private static Action<LeakReport>? s_leakReportOutput = WriteToStandardError;
    private static bool s_exitHooked;
    private static volatile bool s_reportLeaksAtExit = IsSet(System.Environment.GetEnvironmentVariable(LeaksAtExitVariable));
    private static volatile bool s_shutDown;

    [ThreadStatic]
    private static bool t_handlingOutOfMemory;

    static AllocatorManager()
    {
        if (s_reportLeaksAtExit)
            HookProcessExit();
    }

    /// <summary>The tracking mode an allocator gets when nothing was set for its name or for <c>*</c>.</summary>
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

    /// <summary>
    /// Where leak reports go: those made when an allocator is disposed with live blocks, and those made at
    /// process exit. Standard error by default; null discards them. See also <see cref="WriteLeakReportsTo"/>.
    /// </summary>
    public static Action<LeakReport>? LeakReportOutput
    {
        get => Volatile.Read(ref s_leakReportOutput);
        set => Volatile.Write(ref s_leakReportOutput, value);
    }

    /// <summary>
    /// Whether every allocator with live blocks reports them when the process exits
    /// (<see cref="AppDomain.ProcessExit"/>); off by default, or on from <see cref="LeaksAtExitVariable"/>.
    /// </summary>
    public static bool ReportLeaksAtExit
    {
        get => s_reportLeaksAtExit;
        set
        {
            s_reportLeaksAtExit = value;
            if (value)
                HookProcessExit();
        }
    }

    /// <summary>
    /// Whether <see cref="Shutdown"/> has run (and <see cref="Start"/> not since). While shut down, raw
    /// allocations through <see cref="Az"/> go straight to the OS and are counted under <c>Global</c>.
    /// </summary>
    public static bool IsShutDown => s_shutDown;

    /// <summary>Finds a live allocator by name.</summary>
    public static AllocatorBase? Find(string name)
    {
        lock (Gate)
            return Registered.Find(a => a.Name == name);
    }

    /// <summary>
    /// Sets the tracking mode of the allocators called <paramref name="name"/> (<c>*</c>: every allocator
    /// without a mode of its own): now for the live ones, and for those created later. Names ignore case here,
    /// as in <see cref="TrackingVariable"/>.
    /// </summary>
    public static void SetTrackingMode(string name, TrackingMode mode)
        => Configure(name, new TrackingSettings(mode, null, null));

    /// <summary>Turns checked mode on or off for the allocators called <paramref name="name"/>, now and later.</summary>
    public static void SetChecked(string name, bool isChecked)
        => Configure(name, new TrackingSettings(null, isChecked, null));

    /// <summary>Sets overrun detection for the allocators called <paramref name="name"/>, now and later.</summary>
    public static void SetOverrunDetection(string name, OverrunDetection detection)
        => Configure(name, new TrackingSettings(null, null, detection));

    /// <summary>
    /// Gives the allocators called <paramref name="name"/> a budget of <paramref name="bytes"/>, now and later.
    /// An allocation that would take one over it either throws <see cref="AllocatorBudgetExceededException"/>
    /// before allocating (<see cref="BudgetPolicy.Throw"/>) or goes ahead and is reported to the budget
    /// listeners once per excursion (<see cref="BudgetPolicy.Report"/>).
    /// </summary>
    /// <remarks>
    /// A budget needs the counters, so it raises tracking to at least <see cref="TrackingMode.Counters"/>,
    /// and it puts the allocator on its tracked path. Concurrent allocations may together overshoot it by
    /// what they allocate at the same moment.
    /// </remarks>
    public static void SetBudget(string name, long bytes, BudgetPolicy policy = BudgetPolicy.Report)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (Gate)
        {
            Budgets[name] = (bytes, policy);
            foreach (var allocator in Registered.Where(a => a.Name == name))
                allocator.SetBudget(new AllocatorBudget(bytes, policy));
        }
    }

    /// <summary>Removes the budget of the allocators called <paramref name="name"/>.</summary>
    public static void RemoveBudget(string name)
    {
        lock (Gate)
        {
            Budgets.Remove(name);
            foreach (var allocator in Registered.Where(a => a.Name == name))
                allocator.SetBudget(null);
        }
    }

    /// <summary>Adds a listener told when an allocation takes an allocator over a <see cref="BudgetPolicy.Report"/> budget.</summary>
    public static void AddBudgetListener(Action<BudgetEvent> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (Gate)
            s_budgetListeners = [.. s_budgetListeners, listener];
    }

    /// <summary>Removes a listener added with <see cref="AddBudgetListener"/>.</summary>
    public static void RemoveBudgetListener(Action<BudgetEvent> listener)
    {
        lock (Gate)
            s_budgetListeners = s_budgetListeners.Where(l => l != listener).ToArray();
    }

    /// <summary>Asks every allocator to return cached memory, newest first so children release before parents.</summary>
    /// <remarks>
    /// Thread-safe allocators collect at once. One whose schema is not thread-safe (a <see cref="PoolAllocator"/>)
    /// may be in use on another thread, so it only notes the request and collects on its own thread, at its next
    /// slow path; call its own <see cref="AllocatorBase.GarbageCollect"/> from that thread to collect at once.
    /// Before them, every <see cref="Buffers.AllocatorMemoryPool"/> gives back the blocks it keeps for reuse
    /// (one over an allocator that is not thread-safe does so at its next rent).
    /// </remarks>
    public static void GarbageCollect()
    {
        // Blocks kept by memory pools go back first, so the allocators below can release them.
        Buffers.BlockCaches.TrimAll();
        foreach (var allocator in Allocators.Reverse())
            allocator.RequestGarbageCollect();
    }

    /// <summary>
    /// Adds a listener told when an allocator cannot satisfy a request. After the listeners, cached memory
    /// (the blocks memory pools keep, then the allocators' caches) is collected and the allocation is retried
    /// once; if that fails too, it returns 0.
    /// </summary>
    /// <remarks>
    /// The collection covers the failing allocator and every allocator whose schema is thread-safe; an
    /// allocator that is not thread-safe may be in use on another thread, so it only notes the request and
    /// collects on its own thread later.
    /// </remarks>
    public static void AddOutOfMemoryListener(Action<OutOfMemoryEvent> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (Gate)
            s_outOfMemoryListeners = [.. s_outOfMemoryListeners, listener];
    }

    /// <summary>Removes a listener added with <see cref="AddOutOfMemoryListener"/>.</summary>
    public static void RemoveOutOfMemoryListener(Action<OutOfMemoryEvent> listener)
    {
        lock (Gate)
            s_outOfMemoryListeners = s_outOfMemoryListeners.Where(l => l != listener).ToArray();
    }

    /// <summary>Sends leak reports as text to <paramref name="writer"/> (null: discards them).</summary>
    public static void WriteLeakReportsTo(TextWriter? writer)
        => LeakReportOutput = writer is null ? null : report => writer.Write(report.ToString());

    /// <summary>The leak reports of every live allocator that still holds blocks.</summary>
    public static IReadOnlyList<LeakReport> GetLeakReports()
        => Allocators.Select(static a => a.Records.GetLeakReport()).Where(static r => !r.IsEmpty).ToArray();

    /// <summary>Every allocator as a tree, children under their parents, in registration order.</summary>
    public static IReadOnlyList<AllocatorReportNode> GetReportTree()
    {
        var allocators = Allocators;
        var live = allocators.ToHashSet();
        return allocators
            .Where(a => a.Parent is null || !live.Contains(a.Parent))
            .Select(a => BuildNode(a, allocators))
            .ToArray();
    }

    /// <summary>A text report of every allocator as a tree: used, peak, reserved, live allocations, mode.</summary>
    public static string GetReport()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{"Allocator",-36} {"Used",14} {"Peak",14} {"Reserved",14} {"Live blocks",12}  Mode");
        foreach (var root in GetReportTree())
            AppendNode(text, root, depth: 0);
        return text.ToString();
    }

    /// <summary>
    /// Tears the memory system down at the end of a process: every shared allocator created through
    /// <see cref="AllocatorInstance{T}"/> is destroyed, newest first, each reporting its leaks. From then on
    /// (static de-initialisation: finalizers, exit handlers) <see cref="Az"/> allocations go straight to
    /// the OS under <c>Global</c>, and <see cref="AllocatorInstance{T}.Get"/> refuses to create allocators.
    /// </summary>
    public static void Shutdown()
    {
        List<(AllocatorBase Allocator, Action Destroy)> instances;
        lock (Gate)
        {
            s_shutDown = true;
            instances = [.. Instances];
            Instances.Clear();
        }
        for (int i = instances.Count - 1; i >= 0; i--)
            instances[i].Destroy();
    }

    /// <summary>Opens the memory system again after <see cref="Shutdown"/> (hosts that restart, tests).</summary>
    public static void Start() => s_shutDown = false;

    internal static TrackingMode InitialTrackingMode(string name)
    {
        lock (Gate)
            return SettingsFor(name).Mode ?? DefaultTrackingMode;
    }

    internal static void Register(AllocatorBase allocator)
    {
        TrackingSettings settings;
        (long Bytes, BudgetPolicy Policy) budget;
        bool hasBudget;
        lock (Gate)
        {
            Registered.Add(allocator);
            settings = SettingsFor(allocator.Name);
            hasBudget = Budgets.TryGetValue(allocator.Name, out budget);
        }
        if (settings.Checked is { } isChecked)
            allocator.IsChecked = isChecked;
        if (settings.Overrun is { } overrun)
            allocator.OverrunDetection = overrun;
        if (hasBudget)
            allocator.SetBudget(new AllocatorBudget(budget.Bytes, budget.Policy));
        MemoryMetrics.EnsureCreated();
    }

    internal static void Unregister(AllocatorBase allocator)
    {
        lock (Gate)
        {
            Registered.Remove(allocator);
            Instances.RemoveAll(i => i.Allocator == allocator);
        }
    }

    /// <summary>Remembers a shared allocator and how to destroy it, for <see cref="Shutdown"/>.</summary>
    internal static void RegisterInstance(AllocatorBase allocator, Action destroy)
    {
        lock (Gate)
            Instances.Add((allocator, destroy));
    }

    /// <summary>Runs the listeners and a garbage collection; true when the one retry should be made.</summary>
    internal static bool HandleOutOfMemory(AllocatorBase allocator, nint size, nint alignment)
    {
        // A listener or a garbage collection that itself runs out of memory gets no second round.
        if (t_handlingOutOfMemory)
            return false;
        t_handlingOutOfMemory = true;
        try
        {
            foreach (var listener in Volatile.Read(ref s_outOfMemoryListeners))
                listener(new OutOfMemoryEvent(allocator, size, alignment));
            Buffers.BlockCaches.TrimAll();
            foreach (var other in Allocators.Reverse())
            {
                if (other == allocator)
                    other.GarbageCollect();
                else
                    other.RequestGarbageCollect();
            }
            return true;
        }
        finally
        {
            t_handlingOutOfMemory = false;
        }
    }

    internal static void NotifyBudgetExceeded(BudgetEvent budgetEvent)
    {
        foreach (var listener in Volatile.Read(ref s_budgetListeners))
            listener(budgetEvent);
    }

    internal static void PublishLeakReport(LeakReport report) => LeakReportOutput?.Invoke(report);

    private static void Configure(string name, TrackingSettings change)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        AllocatorBase[] affected;
        lock (Gate)
        {
            Settings[name] = change.Or(Settings.GetValueOrDefault(name));
            affected = name == TrackingSettings.AllAllocators
                ? Registered.Where(a => !Settings.ContainsKey(a.Name)).ToArray()
                : Registered.Where(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase)).ToArray();
        }
        foreach (var allocator in affected)
        {
            if (change.Mode is { } mode)
                allocator.Records.Mode = mode;
            if (change.Checked is { } isChecked)
                allocator.IsChecked = isChecked;
            if (change.Overrun is { } overrun)
                allocator.OverrunDetection = overrun;
        }
    }

    private static TrackingSettings SettingsFor(string name)
        => Settings.GetValueOrDefault(name).Or(Settings.GetValueOrDefault(TrackingSettings.AllAllocators));

    private static AllocatorReportNode BuildNode(AllocatorBase allocator, IReadOnlyList<AllocatorBase> all)
        => new(allocator, all.Where(a => a.Parent == allocator).Select(a => BuildNode(a, all)).ToArray());

    private static void AppendNode(StringBuilder text, AllocatorReportNode node, int depth)
    {
        string name = new string(' ', depth * 2) + node.Name;
        text.Append(CultureInfo.InvariantCulture,
            $"{name,-36} {node.UsedBytes,14:N0} {node.PeakBytes,14:N0} {node.ReservedBytes,14:N0} {node.LiveAllocations,12:N0}  {node.Mode}");
        if (node.BudgetBytes is { } budget)
            text.Append(CultureInfo.InvariantCulture, $" (budget {budget:N0})");
        text.AppendLine();
        foreach (var child in node.Children)
            AppendNode(text, child, depth + 1);
    }

    private static void HookProcessExit()
    {
        lock (Gate)
        {
            if (s_exitHooked)
                return;
            s_exitHooked = true;
        }
        AppDomain.CurrentDomain.ProcessExit += static (_, _) =>
        {
            if (!s_reportLeaksAtExit)
                return;
            foreach (var report in GetLeakReports())
                PublishLeakReport(report);
        };
    }

    private static void WriteToStandardError(LeakReport report) => Console.Error.Write(report.ToString());

    private static bool IsSet(string? value)
        => value is not null && (value.Trim() == "1" || value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase));
}
