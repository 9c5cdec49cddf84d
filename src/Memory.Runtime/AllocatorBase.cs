using System.Runtime.CompilerServices;
using Memory.Tracking;

namespace Memory;

/// <summary>
/// What every allocator shares, whatever its schema: a name and description, tracking, and membership
/// of the <see cref="AllocatorManager"/> from construction to <see cref="Dispose()"/>.
/// </summary>
/// <remarks>Derive from <see cref="AllocatorBase{TSchema}"/> rather than from this class.</remarks>
public abstract class AllocatorBase : IAllocator, IDisposable
{
    private int _disposed;
    private volatile bool _checked;

    private protected AllocatorBase(string? name, string description, AllocatorBase? parent)
    {
        // A null name stands for the class name: allocators declared with an empty body (child allocators) use it.
        Name = name ?? GetType().Name;
        ArgumentException.ThrowIfNullOrEmpty(Name, nameof(name));
        Description = description ?? string.Empty;
        Parent = parent;
        Records = new AllocationRecords(AllocatorManager.InitialTrackingMode(Name));
        AllocatorManager.Register(this);
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
    /// Checked mode: every block is recorded so that a free of a pointer this allocator does not own
    /// raises <see cref="AllocatorMisuseException"/> instead of corrupting memory. Slower; for debugging.
    /// </summary>
    /// <remarks>Turning it on raises tracking to at least <see cref="TrackingMode.Records"/>.</remarks>
    public bool IsChecked
    {
        get => _checked;
        set
        {
            _checked = value;
            if (value && Records.Mode < TrackingMode.Records)
                Records.Mode = TrackingMode.Records;
        }
    }

    /// <summary>Whether <see cref="Dispose()"/> has run.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Bytes held from the source (pages, parent), used or not.</summary>
    public abstract long ReservedBytes { get; }

    /// <inheritdoc/>
    public abstract long NumAllocatedBytes { get; }

    /// <inheritdoc/>
    public abstract long Capacity { get; }

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

    /// <summary>Leaves the <see cref="AllocatorManager"/>. Memory still allocated stays valid.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        Dispose(disposing: true);
        AllocatorManager.Unregister(this);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what a derived allocator holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
