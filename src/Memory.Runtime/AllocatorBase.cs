using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Memory.Diagnostics;
using Memory.Tracking;
using Memory.Tracking.Records;

namespace Memory;

/// <summary>
/// What every allocator shares, whatever its schema: a name and description, tracking, the debugging
/// modes (checked mode, overrun detection, budgets), and membership of the <see cref="AllocatorManager"/>
/// from construction to <see cref="Dispose()"/>.
/// </summary>
/// <remarks>
/// <para>Derive from <see cref="AllocatorBase{TSchema}"/> rather than from this class.</para>
/// <para>
/// Every setting here folds into one number, the allocator's <em>path</em>, that its hot paths read once
/// per call: the fast path (schema only), the counting path (schema plus a few additions), or the
/// tracked path that does everything else. Settings may change at any time; blocks keep the layout they
/// were allocated with (a guarded block stays guarded until freed, whatever the settings say by then).
/// </para>
/// </remarks>
public abstract class AllocatorBase : IAllocator, IDisposable
{
    /// <summary>The schema alone.</summary>
    private protected const int FastPath = 0;

    /// <summary>The schema plus the counters (never taken for a schema that keeps its own counts).</summary>
    private protected const int CountingPath = 1;

    /// <summary>Records, checks, guards, budgets.</summary>
    private protected const int TrackedPath = 2;

    private readonly object _settingsGate = new();
    private volatile int _path;
    private int _disposed;
    private volatile bool _checked;
    private volatile OverrunDetection _overrun;
    private volatile AllocatorBudget? _budget;
    private int _guardedBlocks;
    private FreedBlocks? _freed;
    private readonly bool _schemaKeepsCounts;

    private protected AllocatorBase(string? name, string description, AllocatorBase? parent, bool concurrent,
        TrackingMode minimumMode = TrackingMode.None, bool schemaKeepsCounts = false)
    {
        _schemaKeepsCounts = schemaKeepsCounts;
        // A null name stands for the class name: allocators declared with an empty body (child allocators) use it.
        // Each construction of a generic allocator is an allocator of its own and is named with its type arguments
        // (Game.Tagged<Game.A>), so reports and per-name settings tell them apart.
        Name = name ?? (GetType().IsConstructedGenericType ? TypeIdentity.NameOf(GetType()) : GetType().Name);
        ArgumentException.ThrowIfNullOrEmpty(Name, nameof(name));
        Description = description ?? string.Empty;
        Parent = parent;
        IsThreadSafe = concurrent;
        Records = new AllocationRecords(this, AllocatorManager.InitialTrackingMode(Name), concurrent, minimumMode);
        UpdatePath();
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public string Description { get; }

    /// <summary>The allocator this one draws from, for child allocators; null otherwise.</summary>
    public AllocatorBase? Parent { get; }

    /// <inheritdoc/>
    public AllocationRecords Records { get; }

    /// <summary>
    /// Checked mode: fresh blocks are filled with <see cref="FillPatterns.Fresh"/> and freed ones with
    /// <see cref="FillPatterns.Freed"/>; a double free, a pointer this allocator does not own, a block of
    /// another allocator, or a size or alignment on free that differs from the allocation's raises
    /// <see cref="AllocatorMisuseException"/> naming the block's call site, and changes nothing.
    /// </summary>
    /// <remarks>
    /// Turning it on raises tracking to at least <see cref="TrackingMode.Records"/>. Blocks allocated
    /// before it was on have no records, so freeing them is reported as a foreign pointer: turn it on
    /// before the allocator is used (by name with <see cref="AllocatorManager.SetChecked"/> or the
    /// <c>MEMORY_TRACKING</c> variable).
    /// </remarks>
    public bool IsChecked
    {
        get => _checked;
        set
        {
            lock (_settingsGate)
            {
                if (value)
                    _freed ??= new FreedBlocks();
                _checked = value;
                RaiseModeTo(value ? TrackingMode.Records : TrackingMode.None);
            }
            UpdatePath();
        }
    }

    /// <summary>
    /// How writes past the ends of blocks are caught: guard bytes checked on free and by
    /// <see cref="VerifyGuards"/>, or a guard page that faults on the spot. Applies to blocks allocated
    /// from now on; raises tracking to at least <see cref="TrackingMode.Records"/>.
    /// </summary>
    public OverrunDetection OverrunDetection
    {
        get => _overrun;
        set
        {
            if (!Enum.IsDefined(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, null);
            lock (_settingsGate)
            {
                _overrun = value;
                RaiseModeTo(value != OverrunDetection.None ? TrackingMode.Records : TrackingMode.None);
            }
            UpdatePath();
        }
    }

    /// <summary>The byte budget set through <see cref="AllocatorManager.SetBudget"/>, if any.</summary>
    public long? BudgetBytes => _budget?.Bytes;

    /// <summary>Whether the schema may be called from several threads at once.</summary>
    internal bool IsThreadSafe { get; }

    /// <summary>Whether <see cref="Dispose()"/> has run.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Bytes held from the source (pages, parent), used or not.</summary>
    public abstract long ReservedBytes { get; }

    /// <inheritdoc/>
    public abstract long NumAllocatedBytes { get; }

    /// <inheritdoc/>
    public abstract long Capacity { get; }

    /// <summary>The hot paths' dispatch: <see cref="FastPath"/>, <see cref="CountingPath"/> or <see cref="TrackedPath"/>.</summary>
    private protected int Path
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _path;
    }

    private protected AllocatorBudget? Budget => _budget;

    private protected FreedBlocks? Freed => _freed;

    /// <inheritdoc/>
    public abstract nint Allocate(nint size, nint alignment = 0, string? name = null,
        [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0);

    /// <inheritdoc/>
    public abstract void DeAllocate(nint pointer, nint size = 0, nint alignment = 0);

    /// <inheritdoc/>
    public abstract nint ReAllocate(nint pointer, nint newSize, nint newAlignment = 0);

    /// <inheritdoc/>
    public abstract nint AllocationSize(nint pointer);

    /// <inheritdoc/>
    public abstract void GarbageCollect();

    /// <summary>
    /// A collection asked for by <see cref="AllocatorManager.GarbageCollect"/>, which runs on any thread: an allocator
    /// whose schema is not thread-safe only notes the request, and its own thread collects at its next slow path.
    /// </summary>
    internal abstract void RequestGarbageCollect();

    /// <summary>
    /// Allocates a block for a child allocator: the parent counts and records it as the child's, with the guards
    /// <paramref name="overrun"/> asks for (those of the child or of a grandchild forwarding through it), else the
    /// child's own, else the parent's.
    /// </summary>
    internal abstract nint AllocateForChild(AllocatorBase child, nint size, nint alignment, string? name, string? file, int line,
        OverrunDetection overrun);

    /// <summary>Frees a block for a child allocator; in checked mode a block that is not the child's is refused.</summary>
    internal abstract void DeAllocateForChild(AllocatorBase child, nint pointer, nint size, nint alignment);

    /// <summary>Resizes a block for a child allocator.</summary>
    internal abstract nint ReAllocateForChild(AllocatorBase child, nint pointer, nint newSize, nint newAlignment);

    /// <summary>The guarded blocks whose guard bytes were overwritten, oldest first.</summary>
    /// <remarks>A child's blocks are included: their guards are made and recorded by the allocator at the end of its chain.</remarks>
    public IReadOnlyList<GuardViolation> FindGuardViolations()
    {
        var violations = new List<(long Sequence, GuardViolation Violation)>();
        foreach (var (address, entry) in Records.Table.Copy())
        {
            if (GuardedEntry(address, entry) is { } guarded && GuardedBlocks.Check(address, guarded) is { } violation)
                violations.Add((entry.Sequence, violation));
        }
        return violations.OrderBy(static v => v.Sequence).Select(static v => v.Violation).ToArray();
    }

    /// <summary>
    /// The record that holds a block's guards: this allocator's own, or, for a block a child drew (recorded plain
    /// here), that of the ancestor that made them (an allocator between them keeps no record unless its own settings
    /// ask for one); null for an unguarded block.
    /// </summary>
    private RecordEntry? GuardedEntry(nint address, RecordEntry entry)
    {
        for (AllocatorBase? holder = Parent; entry.Layout == BlockLayout.Plain; holder = holder.Parent)
        {
            if (holder is null)
                return null;
            if (holder.Records.Table.TryGet(address, out RecordEntry held))
                entry = held;
        }
        return entry;
    }

    /// <summary>Checks the guards of every live guarded block.</summary>
    /// <exception cref="AllocatorMisuseException">A guard was overwritten; the message names the oldest such block and its call site.</exception>
    public void VerifyGuards()
    {
        var violations = FindGuardViolations();
        if (violations.Count == 0)
            return;
        var first = violations[0];
        string more = violations.Count > 1 ? $" ({violations.Count - 1} more damaged blocks)" : "";
        throw new AllocatorMisuseException(Name, first.Address, first.Kind, first.Describe() + more, first.CallSite, owner: null);
    }

    /// <summary>
    /// Leaves the <see cref="AllocatorManager"/>, after handing a leak report to
    /// <see cref="AllocatorManager.LeakReportOutput"/> if blocks are still live, and returns the memory the schema
    /// holds for future allocations. Memory still allocated stays valid and may be freed (or resized) afterwards; a
    /// new allocation throws <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        // From here every call takes the tracked path, which refuses allocations: no check on the fast path.
        UpdatePath();
        try
        {
            var leaks = Records.GetLeakReport();
            if (!leaks.IsEmpty)
                AllocatorManager.PublishLeakReport(leaks);
        }
        finally
        {
            // A failing report output must not keep the allocator registered.
            Dispose(disposing: true);
            AllocatorManager.Unregister(this);
            Records.Counters.Release();
            GC.SuppressFinalize(this);
        }
    }

    /// <summary>Releases what a derived allocator holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Recomputes the path from the settings; called whenever one changes.</summary>
    internal void UpdatePath()
    {
        lock (_settingsGate)
        {
            TrackingMode mode = Records.Mode;
            bool tracked = mode >= TrackingMode.Records || _checked || _overrun != OverrunDetection.None
                || _budget is not null || Volatile.Read(ref _guardedBlocks) > 0 || IsDisposed;
            _path = tracked ? TrackedPath : mode == TrackingMode.Counters && !_schemaKeepsCounts ? CountingPath : FastPath;
            bool counting = mode >= TrackingMode.Counters;
            if (_schemaKeepsCounts && counting != _schemaCounting)
            {
                _schemaCounting = counting;
                SchemaCountingChanged(counting);
            }
        }
    }

    // What the schema was last told by SchemaCountingChanged; under the settings gate.
    private bool _schemaCounting;

    /// <summary>Tells a schema that keeps its own counts whether the allocator counts now; under the settings gate.</summary>
    private protected virtual void SchemaCountingChanged(bool counting)
    {
    }

    internal void SetBudget(AllocatorBudget? budget)
    {
        lock (_settingsGate)
        {
            _budget = budget;
            RaiseModeTo(budget is not null ? TrackingMode.Counters : TrackingMode.None);
        }
        UpdatePath();
    }

    /// <summary>Called before a guarded block is made, so the path is tracked before anyone can free it.</summary>
    private protected void GuardedBlockAdding()
    {
        if (Interlocked.Increment(ref _guardedBlocks) == 1)
            UpdatePath();
    }

    /// <summary>Called once a guarded block is gone (or was never made).</summary>
    private protected void GuardedBlockRemoved()
    {
        if (Interlocked.Decrement(ref _guardedBlocks) == 0)
            UpdatePath();
    }

    /// <summary>Refuses an allocation from a disposed allocator.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private protected void ThrowDisposed()
        => throw new ObjectDisposedException(Name, $"{Name} is disposed: it allocates no more (blocks allocated before stay valid and may be freed).");

    private void RaiseModeTo(TrackingMode minimum)
    {
        if (Records.Mode < minimum)
            Records.Mode = minimum;
    }
}
