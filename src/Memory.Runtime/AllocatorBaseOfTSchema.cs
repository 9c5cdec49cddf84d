using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Memory.Diagnostics;
using Memory.Schemas;
using Memory.Tracking;
using Memory.Tracking.Counters;
using Memory.Tracking.Records;

namespace Memory;

/// <summary>
/// An allocator built on the schema <typeparamref name="TSchema"/>: argument checks, tracking, debugging
/// modes and out-of-memory handling around the schema's algorithm.
/// </summary>
/// <remarks>
/// <para>
/// The schema is a struct held in a field, so each allocator type gets code specialised for its schema:
/// a call through <see cref="IAllocator"/> costs one virtual dispatch, and from there the schema is
/// reached directly.
/// </para>
/// <para>
/// Each call reads the allocator's path once. The fast path (tracking <see cref="TrackingMode.None"/>) is
/// one argument check and the schema. The counting path (<see cref="TrackingMode.Counters"/>) adds the
/// block's usable size to the counters: plain additions when the schema is not thread-safe, interlocked
/// ones or per-thread cells when it is (the JIT folds that choice away; see <see cref="AllocationRecords"/>).
/// Everything else (records, checked mode, guards, budgets) is on the tracked path, out of line.
/// </para>
/// </remarks>
/// <typeparam name="TSchema">The allocation algorithm.</typeparam>
public abstract class AllocatorBase<TSchema> : AllocatorBase, ISchemaCountSource
    where TSchema : struct, IAllocationSchema
{
    private readonly AllocationCounters _counters;
    private TSchema _schema;
    private bool _schemaAttached;
    private long _guardPageBytes;

    /// <summary>Creates the allocator around a configured schema and registers it.</summary>
    protected AllocatorBase(string name, string description, TSchema schema)
        : this(name, description, schema, parent: null)
    {
    }

    private protected AllocatorBase(string? name, string description, TSchema schema, AllocatorBase? parent,
        TrackingMode minimumMode = TrackingMode.None)
        : base(name, description, parent, TSchema.IsThreadSafe, minimumMode, TSchema.KeepsCounts)
    {
        _schema = schema;
        _schema.Attach(this);
        _schemaAttached = true;
        _counters = Records.Counters;
        if (TSchema.KeepsCounts)
        {
            _counters.ReadFrom(this);
            // The base constructor chose the path before the schema was in place: tell the schema now.
            _schema.CountingChanged(Records.Mode >= TrackingMode.Counters);
        }
        // Registered once the schema is in place, so reports and metrics never read a default schema.
        AllocatorManager.Register(this);
    }

    /// <summary>The schema, by reference, for derived allocators that expose schema-specific figures.</summary>
    protected ref TSchema Schema => ref _schema;

    /// <inheritdoc/>
    public sealed override long NumAllocatedBytes
        => Records.Mode >= TrackingMode.Counters ? Records.AllocatedBytes : _schema.NumAllocatedBytes;

    /// <inheritdoc/>
    /// <remarks>Includes the pages mapped for guard-page blocks.</remarks>
    public sealed override long ReservedBytes => _schema.ReservedBytes + Volatile.Read(ref _guardPageBytes);

    /// <inheritdoc/>
    public sealed override long Capacity => _schema.Capacity;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public sealed override nint Allocate(nint size, nint alignment = 0, string? name = null,
        [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        // Negative sizes, negative alignments and alignments that are not powers of two are refused.
        if (size < 0 || (alignment & (alignment - 1)) != 0 || alignment < 0)
            ThrowInvalidRequest(size, alignment);

        // The fast and counting paths share one inlined copy of the schema's code: two copies doubled the code at every
        // call site, and with a profile that saw both paths the JIT laid one of them out as cold.
        int path = Path;
        if (path > CountingPath)
            return AllocateTracked(size, alignment, name, file, line, mayRetry: true);

        nint pointer = AllocateFromSchema(size, alignment, name, file, line);
        if (pointer == 0)
            return AllocateAfterOutOfMemory(size, alignment, name, file, line);
        if (IsCounting(path))
            Count(UsableSize(pointer, size));
        return pointer;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public sealed override void DeAllocate(nint pointer, nint size = 0, nint alignment = 0)
    {
        if (pointer == 0)
            return;

        int path = Path;
        if (path > CountingPath)
        {
            DeAllocateTracked(pointer, size, alignment);
            return;
        }

        // One inlined copy of the schema's free for both paths, as in Allocate. Counted once the schema has taken the
        // block: a free it refuses (a double free) changes no count.
        nint usable = IsCounting(path) ? _schema.AllocationSize(pointer) : 0;
        _schema.DeAllocate(pointer, size, alignment);
        if (IsCounting(path))
            Uncount(usable);
    }

    /// <inheritdoc/>
    public sealed override nint ReAllocate(nint pointer, nint newSize, nint newAlignment = 0)
    {
        if (newSize < 0 || (newAlignment & (newAlignment - 1)) != 0 || newAlignment < 0)
            ThrowInvalidRequest(newSize, newAlignment);
        if (pointer == 0)
            return Allocate(newSize, newAlignment, name: null, file: null, line: 0);
        if (newSize == 0)
        {
            DeAllocate(pointer);
            return 0;
        }

        int path = Path;
        if (path == TrackedPath)
            return ReAllocateTracked(pointer, newSize, newAlignment);

        nint oldSize = IsCounting(path) ? _schema.AllocationSize(pointer) : 0;
        nint moved = _schema.ReAllocate(pointer, newSize, newAlignment);
        if (moved == 0 && RecoverFromFailedReAllocate(pointer, newSize, newAlignment))
            moved = _schema.ReAllocate(pointer, newSize, newAlignment);
        if (moved != 0 && IsCounting(path))
        {
            Uncount(oldSize);
            Count(UsableSize(moved, newSize));
        }
        return moved;
    }

    /// <inheritdoc/>
    public sealed override nint AllocationSize(nint pointer)
    {
        if (pointer == 0)
            return 0;
        return Path == TrackedPath ? AllocationSizeTracked(pointer) : _schema.AllocationSize(pointer);
    }

    /// <inheritdoc/>
    public override void GarbageCollect() => _schema.GarbageCollect();

    internal sealed override void RequestGarbageCollect()
    {
        if (TSchema.IsThreadSafe)
            GarbageCollect();
        else
            _schema.RequestGarbageCollect();
    }

    internal sealed override nint AllocateForChild(AllocatorBase child, nint size, nint alignment, string? name, string? file, int line,
        OverrunDetection requested)
    {
        // The child's guards are made here, so the parent's totals include them and its free checks them.
        OverrunDetection overrun = requested != OverrunDetection.None ? requested
            : child.OverrunDetection != OverrunDetection.None ? child.OverrunDetection
            : OverrunDetection;
        if (Path != TrackedPath && overrun == OverrunDetection.None)
            return Allocate(size, alignment, name, file, line);
        return AllocateTracked(size, alignment, name, file, line, mayRetry: true, child: child, overrun: overrun);
    }

    internal sealed override void DeAllocateForChild(AllocatorBase child, nint pointer, nint size, nint alignment)
    {
        if (Path != TrackedPath)
            DeAllocate(pointer, size, alignment);
        else
            DeAllocateTracked(pointer, size, alignment, child);
    }

    internal sealed override nint ReAllocateForChild(AllocatorBase child, nint pointer, nint newSize, nint newAlignment)
        => Path != TrackedPath ? ReAllocate(pointer, newSize, newAlignment) : ReAllocateTracked(pointer, newSize, newAlignment, child);

    /// <summary>Returns what the schema holds for future allocations; live blocks stay valid.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _schema.Retire();
        base.Dispose(disposing);
    }

    private protected sealed override void SchemaCountingChanged(bool counting)
    {
        if (_schemaAttached)
            _schema.CountingChanged(counting);
    }

    SchemaCounts ISchemaCountSource.Read() => _schema.Counts;

    void ISchemaCountSource.ResetPeak() => _schema.ResetPeak();

    // Whether a call on the untracked paths counts through the allocator's counters. A schema that keeps its own counts
    // never gets the counting path (see AllocatorBase.UpdatePath), and saying so as a JIT-time constant matters: the test
    // and the size lookup behind it leave every inlined call site, and the path is no longer live across the schema's
    // call, where the JIT kept it on the stack (a store and a load on each allocation).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsCounting(int path) => !TSchema.KeepsCounts && path == CountingPath;

    // A schema that keeps its own counts has counted the block already (see IAllocationSchema.KeepsCounts).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Count(nint size)
    {
        if (TSchema.KeepsCounts)
            return;
        if (TSchema.IsThreadSafe)
            _counters.AddConcurrent(size);
        else
            _counters.AddLocal(size);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Uncount(nint size)
    {
        if (TSchema.KeepsCounts)
            return;
        if (TSchema.IsThreadSafe)
            _counters.RemoveConcurrent(size);
        else
            _counters.RemoveLocal(size);
    }

    // A schema that keeps its own counts saw a guarded block at another size than the user's (guard bytes: the whole
    // block) or not at all (a guard page): the counters add the difference, so counts are the user's, as for any schema.
    private void AdjustSchemaCounts(nint usable, BlockLayout layout, nint raw, bool allocation)
    {
        nint schemaSize = layout == BlockLayout.GuardBytes ? _schema.AllocationSize(raw) : 0;
        _counters.AdjustSchemaCounts(usable - schemaSize, layout == BlockLayout.GuardPage ? 1 : 0, allocation);
    }

    /// <summary>The usable size of a block just allocated with <paramref name="requested"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private nint UsableSize(nint pointer, nint requested)
        => TSchema.SizesAreExact ? requested : _schema.AllocationSize(pointer);

    // A forwarding schema (a child allocator) gets the caller's site so that its parent records it; for every
    // other schema TSchema.ForwardsCallSite is a constant at JIT time and this is the plain call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private nint AllocateFromSchema(nint size, nint alignment, string? name, string? file, int line,
        OverrunDetection overrun = OverrunDetection.None)
        => TSchema.ForwardsCallSite ? _schema.Allocate(size, alignment, name, file, line, overrun) : _schema.Allocate(size, alignment);

    /// <summary>
    /// The out-of-memory handling, for requests the schema could serve once memory is freed; <paramref name="size"/>
    /// is what the schema was asked for (guards included).
    /// </summary>
    private bool RecoverFromOutOfMemory(nint size, nint alignment)
        => _schema.CanEverServe(size, alignment) && AllocatorManager.HandleOutOfMemory(this, size, alignment);

    /// <summary>The out-of-memory handling for a reallocation that failed, when more free memory could make it succeed.</summary>
    private bool RecoverFromFailedReAllocate(nint pointer, nint newSize, nint newAlignment)
        => _schema.CanEverReAllocate(pointer, newSize, newAlignment) && AllocatorManager.HandleOutOfMemory(this, newSize, newAlignment);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private nint AllocateAfterOutOfMemory(nint size, nint alignment, string? name, string? file, int line)
    {
        if (!RecoverFromOutOfMemory(size, alignment))
            return 0;

        int path = Path;
        if (path == TrackedPath)
            return AllocateTracked(size, alignment, name, file, line, mayRetry: false);
        nint pointer = AllocateFromSchema(size, alignment, name, file, line);
        if (pointer != 0 && IsCounting(path))
            Count(UsableSize(pointer, size));
        return pointer;
    }

    /// <summary>
    /// Allocation with records, checks, guards and budgets, as the settings ask. <paramref name="mayRetry"/>
    /// allows the out-of-memory handling (false once it has run); <paramref name="releasing"/> is what a
    /// reallocation gives back once this succeeds, which the budget check discounts.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private nint AllocateTracked(nint size, nint alignment, string? name, string? file, int line, bool mayRetry,
        nint releasing = 0, AllocatorBase? child = null, OverrunDetection? overrun = null)
    {
        if (IsDisposed)
            ThrowDisposed();
        AllocationRecords records = Records;
        TrackingMode mode = records.Mode;
        bool isChecked = IsChecked;
        if (Budget is { } budget)
            CheckBudget(budget, size - releasing);

        nint user, usable, raw = 0, rawSize = 0;
        BlockLayout layout;
        // Guards and fills need to write the block; an external range is never written.
        // A forwarding schema (a child) has its parent make the guards, so they are in the parent's totals.
        switch (TSchema.ManagesExternalMemory || TSchema.ForwardsCallSite ? OverrunDetection.None : overrun ?? OverrunDetection)
        {
            case OverrunDetection.GuardBytes:
                if (!GuardedBlocks.TryGetGuardBytesRequest(size, alignment, out nint front, out rawSize))
                    return 0;
                GuardedBlockAdding();
                raw = AllocateFromSchema(rawSize, alignment, name, file, line);
                if (raw == 0 && mayRetry && RecoverFromOutOfMemory(rawSize, alignment))
                    raw = AllocateFromSchema(rawSize, alignment, name, file, line);
                if (raw == 0)
                {
                    GuardedBlockRemoved();
                    return 0;
                }
                user = GuardedBlocks.PlaceInGuardBytes(raw, front, size);
                usable = size;
                layout = BlockLayout.GuardBytes;
                break;

            case OverrunDetection.GuardPage:
                GuardedBlockAdding();
                user = GuardedBlocks.AllocateOnGuardPage(size, alignment, out raw, out rawSize);
                if (user == 0 && mayRetry && RecoverFromOutOfMemory(size, alignment))
                    user = GuardedBlocks.AllocateOnGuardPage(size, alignment, out raw, out rawSize);
                if (user == 0)
                {
                    GuardedBlockRemoved();
                    return 0;
                }
                Interlocked.Add(ref _guardPageBytes, rawSize);
                usable = size;
                layout = BlockLayout.GuardPage;
                break;

            default:
                // What a forwarding schema passes on: the guards asked of this allocator, made at the chain's end.
                OverrunDetection forwarded = TSchema.ForwardsCallSite ? overrun ?? OverrunDetection : OverrunDetection.None;
                user = AllocateFromSchema(size, alignment, name, file, line, forwarded);
                if (user == 0 && mayRetry && RecoverFromOutOfMemory(size, alignment))
                    user = AllocateFromSchema(size, alignment, name, file, line, forwarded);
                if (user == 0)
                    return 0;
                usable = UsableSize(user, size);
                layout = BlockLayout.Plain;
                break;
        }

        bool counted = mode >= TrackingMode.Counters;
        if (counted)
        {
            Count(usable);
            if (TSchema.KeepsCounts && layout != BlockLayout.Plain)
                AdjustSchemaCounts(usable, layout, raw, allocation: true);
        }
        if (isChecked)
        {
            if (!TSchema.ManagesExternalMemory)
                FillPatterns.Fill(user, usable, FillPatterns.Fresh);
            Freed!.Forget(user);
        }
        if (mode >= TrackingMode.Records || isChecked || layout != BlockLayout.Plain)
            records.Record(user, size, usable, alignment, name, file, line, layout, counted, raw, rawSize, child);
        return user;
    }

    /// <summary>
    /// Free with records, checks and guards. Nothing changes until every check has passed and the schema has taken
    /// the block back: a free that is refused (here or by the schema, which catches double frees on its own) leaves
    /// the record, the counts and the block as they were. <paramref name="child"/> is the child allocator freeing
    /// through this one, if any.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DeAllocateTracked(nint pointer, nint size, nint alignment, AllocatorBase? child = null)
    {
        AllocationRecords records = Records;
        bool isChecked = IsChecked;
        if (!records.Table.TryRemove(pointer, out RecordEntry entry))
        {
            if (isChecked)
                throw DiagnoseUnknownPointer(pointer, "DeAllocate");
            // A plain block allocated while records were off.
            bool counted = records.Mode >= TrackingMode.Counters;
            nint usable = counted ? _schema.AllocationSize(pointer) : 0;
            _schema.DeAllocate(pointer, size, alignment);
            if (counted)
                Uncount(usable);
            RearmBudget();
            return;
        }

        if (isChecked && (CheckOwner(pointer, entry, child, "DeAllocate") ?? CheckFreeArguments(pointer, entry, size, alignment)) is { } refused)
        {
            records.Restore(pointer, entry);
            throw refused;
        }
        if (entry.Layout != BlockLayout.Plain && GuardedBlocks.Check(pointer, entry) is { } violation)
        {
            records.Restore(pointer, entry);
            throw new AllocatorMisuseException(Name, pointer, violation.Kind, "DeAllocate found an " + violation.Describe(),
                violation.CallSite, owner: null);
        }

        // A forwarding schema's parent fills the block if it is checked itself; filling it here first would write
        // over a block the parent may refuse to take (one it has freed already).
        if (isChecked && !TSchema.ManagesExternalMemory && !TSchema.ForwardsCallSite)
            FillPatterns.Fill(pointer, entry.Size, FillPatterns.Freed);
        // What a schema that keeps counts saw of a guard-bytes block, read while the block is still live.
        nint schemaSize = TSchema.KeepsCounts && entry.Counted && entry.Layout == BlockLayout.GuardBytes ? _schema.AllocationSize(entry.Raw) : 0;
        try
        {
            Release(pointer, entry, size, alignment);
        }
        catch (AllocatorMisuseException)
        {
            records.Restore(pointer, entry);
            throw;
        }
        if (entry.Counted)
        {
            Uncount(entry.Size);
            if (TSchema.KeepsCounts && entry.Layout != BlockLayout.Plain)
                _counters.AdjustSchemaCounts(-(entry.Size - schemaSize), entry.Layout == BlockLayout.GuardPage ? 1 : 0, allocation: false);
        }
        if (isChecked)
            Freed!.Remember(pointer, AllocationRecord.FormatCallSite(entry.File, entry.Line));
        RearmBudget();
    }

    /// <summary>
    /// In checked mode, a block drawn by a child allocator is freed or resized only through that child, and a child
    /// frees only its own blocks: anything else is the wrong allocator, and names the block's owner.
    /// </summary>
    private AllocatorMisuseException? CheckOwner(nint pointer, in RecordEntry entry, AllocatorBase? caller, string operation)
    {
        if (entry.Child == caller)
            return null;
        string owner = entry.Child?.Name ?? Name;
        string callerName = caller?.Name ?? Name;
        string site = AllocationRecord.FormatCallSite(entry.File, entry.Line);
        return new AllocatorMisuseException(callerName, pointer, MisuseKind.WrongAllocator,
            $"{operation} of a block that belongs to allocator '{owner}' (allocated at {site})", site, owner);
    }

    /// <summary>Returns the memory behind a recorded block to where it came from.</summary>
    private void Release(nint pointer, in RecordEntry entry, nint size, nint alignment)
    {
        switch (entry.Layout)
        {
            case BlockLayout.GuardBytes:
                _schema.DeAllocate(entry.Raw, entry.RawSize, entry.Alignment);
                GuardedBlockRemoved();
                break;
            case BlockLayout.GuardPage:
                GuardPages.Unmap(entry.Raw, entry.RawSize);
                Interlocked.Add(ref _guardPageBytes, -entry.RawSize);
                GuardedBlockRemoved();
                break;
            default:
                _schema.DeAllocate(pointer, size, alignment);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private nint ReAllocateTracked(nint pointer, nint newSize, nint newAlignment, AllocatorBase? child = null)
    {
        if (IsDisposed)
            ThrowDisposed();
        AllocationRecords records = Records;
        bool isChecked = IsChecked;
        bool found = records.Table.TryGet(pointer, out RecordEntry entry);
        if (!found && isChecked)
            throw DiagnoseUnknownPointer(pointer, "ReAllocate");
        if (found && isChecked && CheckOwner(pointer, entry, child, "ReAllocate") is { } wrong)
            throw wrong;

        nint oldSize = found ? entry.Size : _schema.AllocationSize(pointer);
        bool moveByHand = !TSchema.ManagesExternalMemory
            && (isChecked || OverrunDetection != OverrunDetection.None || (found && entry.Layout != BlockLayout.Plain));
        if (moveByHand)
        {
            // A new block with the settings of now, the contents copied, the old block freed with its checks.
            if (found && entry.Layout != BlockLayout.Plain && GuardedBlocks.Check(pointer, entry) is { } violation)
                throw new AllocatorMisuseException(Name, pointer, violation.Kind, "ReAllocate found an " + violation.Describe(),
                    violation.CallSite, owner: null);
            nint fresh = AllocateTracked(newSize, newAlignment, entry.Name, entry.File, entry.Line, mayRetry: true, releasing: oldSize,
                child: child);
            if (fresh == 0)
                return 0;
            unsafe
            {
                Buffer.MemoryCopy((void*)pointer, (void*)fresh, newSize, Math.Min(oldSize, newSize));
            }
            try
            {
                DeAllocateTracked(pointer, 0, 0, child);
            }
            catch (AllocatorMisuseException)
            {
                DeAllocateTracked(fresh, 0, 0, child);
                throw;
            }
            return fresh;
        }

        if (Budget is { } budget)
            CheckBudget(budget, newSize - oldSize);
        // The record goes before the schema moves the block: from then on the old address may be another thread's
        // new block, and a record left under it would be that block's until this call removed it (a free of it in
        // between would be counted at the old block's size). Put back if the schema cannot move the block.
        RecordEntry taken = default;
        bool removed = found && records.Table.TryRemove(pointer, out taken);
        nint moved = _schema.ReAllocate(pointer, newSize, newAlignment);
        if (moved == 0 && RecoverFromFailedReAllocate(pointer, newSize, newAlignment))
            moved = _schema.ReAllocate(pointer, newSize, newAlignment);
        if (moved == 0)
        {
            if (removed)
                records.Restore(pointer, taken);
            return 0;
        }

        TrackingMode mode = records.Mode;
        // The entry read above says whether the old block was counted, even if a change of mode has dropped the
        // record since.
        if (found ? entry.Counted : mode >= TrackingMode.Counters)
            Uncount(oldSize);
        nint usable = UsableSize(moved, newSize);
        bool counted = mode >= TrackingMode.Counters;
        if (counted)
            Count(usable);
        if (mode >= TrackingMode.Records || (isChecked && child is not null))
            records.Record(moved, newSize, usable, newAlignment, entry.Name, entry.File, entry.Line, BlockLayout.Plain, counted,
                child: child);
        RearmBudget();
        return moved;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private nint AllocationSizeTracked(nint pointer)
    {
        if (Records.Table.TryGet(pointer, out RecordEntry entry))
            return entry.Layout == BlockLayout.Plain ? _schema.AllocationSize(pointer) : entry.RequestedSize;
        if (IsChecked)
            throw DiagnoseUnknownPointer(pointer, "AllocationSize");
        return _schema.AllocationSize(pointer);
    }

    private AllocatorMisuseException? CheckFreeArguments(nint pointer, in RecordEntry entry, nint size, nint alignment)
    {
        string site = AllocationRecord.FormatCallSite(entry.File, entry.Line);
        if (size != 0 && size != entry.RequestedSize && size != entry.Size)
        {
            return new AllocatorMisuseException(Name, pointer, MisuseKind.SizeMismatch,
                $"DeAllocate with size {size} of a block of {entry.RequestedSize} bytes allocated at {site}", site, owner: null);
        }
        if (alignment != 0 && alignment != entry.Alignment)
        {
            string allocated = entry.Alignment == 0 ? "the default alignment" : $"alignment {entry.Alignment}";
            return new AllocatorMisuseException(Name, pointer, MisuseKind.AlignmentMismatch,
                $"DeAllocate with alignment {alignment} of a block allocated with {allocated} at {site}", site, owner: null);
        }
        return null;
    }

    /// <summary>Says what a pointer with no live record is: freed already, another allocator's, or unknown.</summary>
    private AllocatorMisuseException DiagnoseUnknownPointer(nint pointer, string operation)
    {
        if (Freed is { } freed && freed.TryGet(pointer, out string freedSite))
        {
            return new AllocatorMisuseException(Name, pointer, MisuseKind.DoubleFree,
                $"{operation} of a block that was already freed (it was allocated at {freedSite})", freedSite, owner: null);
        }

        // Newest first: a child registers after its parent and both record the child's blocks; the child owns them.
        foreach (var other in AllocatorManager.Allocators.Reverse())
        {
            if (other != this && other.Records.Table.TryGet(pointer, out RecordEntry entry))
            {
                string site = AllocationRecord.FormatCallSite(entry.File, entry.Line);
                return new AllocatorMisuseException(Name, pointer, MisuseKind.WrongAllocator,
                    $"{operation} of a block that belongs to allocator '{other.Name}' (allocated at {site})", site, other.Name);
            }
        }

        return new AllocatorMisuseException(Name, pointer, MisuseKind.ForeignPointer,
            $"{operation} of a pointer that is not a live block of this allocator (nor of any allocator keeping records)",
            allocationSite: null, owner: null);
    }

    private void CheckBudget(AllocatorBudget budget, nint size)
    {
        long used = Records.AllocatedBytes;
        if (size <= 0 || used + size <= budget.Bytes)
            return;
        if (budget.Policy == BudgetPolicy.Throw)
            throw new AllocatorBudgetExceededException(Name, budget.Bytes, used, size);
        if (Interlocked.Exchange(ref budget.Exceeded, 1) == 0)
            AllocatorManager.NotifyBudgetExceeded(new BudgetEvent(this, budget.Bytes, used, size));
    }

    /// <summary>Once back within budget, the next excursion over it is reported again.</summary>
    private void RearmBudget()
    {
        if (Budget is { } budget && Volatile.Read(ref budget.Exceeded) != 0 && Records.AllocatedBytes <= budget.Bytes)
            Volatile.Write(ref budget.Exceeded, 0);
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowInvalidRequest(nint size, nint alignment)
    {
        if (size < 0)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"{Name}: the size must not be negative.");
        throw new ArgumentException($"{Name}: the alignment {alignment} is not 0 or a power of two.", nameof(alignment));
    }
}
