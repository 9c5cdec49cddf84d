using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Memory.Schemas;
using Memory.Tracking;

namespace Memory;

/// <summary>
/// An allocator built on the schema <typeparamref name="TSchema"/>: argument checks, tracking and
/// out-of-memory handling around the schema's algorithm.
/// </summary>
/// <remarks>
/// The schema is a struct held in a field, so each allocator type gets code specialised for its schema:
/// a call through <see cref="IAllocator"/> costs one virtual dispatch, and from there the schema is
/// reached directly. With tracking off the allocate path is one argument check, one mode check and the
/// schema; everything else lives on the tracked path.
/// </remarks>
/// <typeparam name="TSchema">The allocation algorithm.</typeparam>
public abstract class AllocatorBase<TSchema> : AllocatorBase
    where TSchema : struct, IAllocationSchema
{
    private TSchema _schema;

    /// <summary>Creates the allocator around a configured schema and registers it.</summary>
    protected AllocatorBase(string name, string description, TSchema schema)
        : this(name, description, schema, parent: null)
    {
    }

    private protected AllocatorBase(string? name, string description, TSchema schema, AllocatorBase? parent)
        : base(name, description, parent)
    {
        _schema = schema;
    }

    /// <summary>The schema, by reference, for derived allocators that expose schema-specific figures.</summary>
    protected ref TSchema Schema => ref _schema;

    /// <inheritdoc/>
    public sealed override long NumAllocatedBytes
        => Records.Mode >= TrackingMode.Counters ? Records.AllocatedBytes : _schema.NumAllocatedBytes;

    /// <inheritdoc/>
    public sealed override long ReservedBytes => _schema.ReservedBytes;

    /// <inheritdoc/>
    public sealed override long Capacity => _schema.Capacity;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public sealed override nint Allocate(nint size, nint alignment = 0, string? name = null,
        [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        // One unsigned comparison rejects negative sizes; the alignment test accepts 0 and powers of two.
        if (size < 0 || (alignment & (alignment - 1)) != 0 || alignment < 0)
            ThrowInvalidRequest(size, alignment);

        TrackingMode mode = Records.Mode;
        if (mode == TrackingMode.None)
        {
            nint pointer = AllocateFromSchema(size, alignment, name, file, line);
            return pointer != 0 ? pointer : AllocateAfterOutOfMemory(size, alignment, name, file, line);
        }

        if (mode == TrackingMode.Counters)
        {
            nint pointer = AllocateFromSchema(size, alignment, name, file, line);
            if (pointer == 0)
                return AllocateAfterOutOfMemory(size, alignment, name, file, line);
            Records.CountAllocation(_schema.AllocationSize(pointer));
            return pointer;
        }

        return AllocateRecorded(size, alignment, name, file, line);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public sealed override void DeAllocate(nint pointer, nint size = 0, nint alignment = 0)
    {
        if (pointer == 0)
            return;

        TrackingMode mode = Records.Mode;
        if (mode == TrackingMode.None)
        {
            _schema.DeAllocate(pointer, size, alignment);
            return;
        }

        if (mode == TrackingMode.Counters)
        {
            Records.CountDeAllocation(_schema.AllocationSize(pointer));
            _schema.DeAllocate(pointer, size, alignment);
            return;
        }

        DeAllocateRecorded(pointer, size, alignment);
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

        TrackingMode mode = Records.Mode;
        if (mode == TrackingMode.None)
            return _schema.ReAllocate(pointer, newSize, newAlignment);

        AllocationRecord? old = null;
        if (Records.KeepsRecords || IsChecked)
        {
            if (!Records.TryGet(pointer, out var found))
            {
                if (IsChecked)
                    throw new AllocatorMisuseException(Name, pointer, "ReAllocate of a pointer this allocator does not own or has already freed");
            }
            else
            {
                old = found;
            }
        }

        nint oldSize = old?.Size ?? _schema.AllocationSize(pointer);
        nint moved = _schema.ReAllocate(pointer, newSize, newAlignment);
        if (moved == 0)
            return 0;

        nint size = _schema.AllocationSize(moved);
        Records.CountDeAllocation(oldSize);
        Records.CountAllocation(size);
        if (old is not null && Records.TryRemoveRecord(pointer, out _))
            Records.AddRecord(moved, newSize, size, newAlignment, old.Name, old.File, old.Line);
        return moved;
    }

    /// <inheritdoc/>
    public sealed override nint AllocationSize(nint pointer)
    {
        if (pointer == 0)
            return 0;
        if (IsChecked && !Records.Contains(pointer))
            throw new AllocatorMisuseException(Name, pointer, "AllocationSize of a pointer this allocator does not own");
        return _schema.AllocationSize(pointer);
    }

    /// <inheritdoc/>
    public override void GarbageCollect() => _schema.GarbageCollect();

    // A forwarding schema (a child allocator) gets the caller's site so that its parent records it; for every
    // other schema TSchema.ForwardsCallSite is a constant at JIT time and this is the plain call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private nint AllocateFromSchema(nint size, nint alignment, string? name, string? file, int line)
        => TSchema.ForwardsCallSite ? _schema.Allocate(size, alignment, name, file, line) : _schema.Allocate(size, alignment);

    private nint AllocateRecorded(nint size, nint alignment, string? name, string? file, int line)
    {
        nint pointer = AllocateFromSchema(size, alignment, name, file, line);
        if (pointer == 0)
            return AllocateAfterOutOfMemory(size, alignment, name, file, line);
        nint usable = _schema.AllocationSize(pointer);
        Records.CountAllocation(usable);
        Records.AddRecord(pointer, size, usable, alignment, name, file, line);
        return pointer;
    }

    private void DeAllocateRecorded(nint pointer, nint size, nint alignment)
    {
        if (!Records.TryRemoveRecord(pointer, out var record))
        {
            if (IsChecked)
                throw new AllocatorMisuseException(Name, pointer, "DeAllocate of a pointer this allocator does not own or has already freed");
            Records.CountDeAllocation(_schema.AllocationSize(pointer));
            _schema.DeAllocate(pointer, size, alignment);
            return;
        }

        if (IsChecked && size != 0 && size != record.RequestedSize)
        {
            Records.AddRecord(pointer, record.RequestedSize, record.Size, record.Alignment, record.Name, record.File, record.Line);
            throw new AllocatorMisuseException(Name, pointer,
                $"DeAllocate with size {size} of a block allocated with size {record.RequestedSize} at {record.CallSite}");
        }

        Records.CountDeAllocation(record.Size);
        _schema.DeAllocate(pointer, size, alignment);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private nint AllocateAfterOutOfMemory(nint size, nint alignment, string? name, string? file, int line)
    {
        if (!AllocatorManager.HandleOutOfMemory(this, size, alignment))
            return 0;

        nint pointer = AllocateFromSchema(size, alignment, name, file, line);
        if (pointer == 0 || Records.Mode == TrackingMode.None)
            return pointer;
        nint usable = _schema.AllocationSize(pointer);
        Records.CountAllocation(usable);
        if (Records.KeepsRecords || IsChecked)
            Records.AddRecord(pointer, size, usable, alignment, name, file, line);
        return pointer;
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
