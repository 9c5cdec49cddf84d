namespace Memory.Schemas;

/// <summary>
/// A pass-through to a parent allocator, O3DE's <c>ChildAllocatorSchema</c>: every block comes from the
/// parent's public <see cref="IAllocator.Allocate"/>, so the parent's tracking counts it (its totals include
/// the child's) while the child allocator that holds this schema keeps counts and records of its own.
/// It is how a subsystem tags its memory without keeping a separate heap.
/// </summary>
/// <remarks>
/// The schema is bound to one parent instance, the one the child allocator names as its
/// <see cref="AllocatorBase.Parent"/>, so reports and totals always agree. The caller's label and site are
/// passed on (<see cref="IAllocationSchema.ForwardsCallSite"/>), so the parent's records name the real call
/// site rather than this file. The schema also counts the usable bytes it holds from the parent, so
/// <see cref="NumAllocatedBytes"/> is exact even with the child's tracking off.
/// </remarks>
/// <typeparam name="TParent">The allocator the memory comes from.</typeparam>
public struct ChildAllocatorSchema<TParent> : IAllocationSchema
    where TParent : AllocatorBase
{
    private readonly TParent _parent;
    private long _allocatedBytes;

    /// <summary>Creates the schema over <paramref name="parent"/>.</summary>
    public ChildAllocatorSchema(TParent parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        _parent = parent;
        _allocatedBytes = 0;
    }

    /// <summary>The allocator the memory comes from.</summary>
    public readonly TParent Parent => _parent;

    /// <inheritdoc/>
    public static bool IsThreadSafe => true;

    /// <summary>The child forwards caller information to its parent.</summary>
    public static bool ForwardsCallSite => true;

    /// <inheritdoc/>
    public long NumAllocatedBytes => Volatile.Read(ref _allocatedBytes);

    /// <summary>What the child holds from its parent: the usable bytes of its live blocks.</summary>
    public long ReservedBytes => Volatile.Read(ref _allocatedBytes);

    /// <inheritdoc/>
    public readonly long Capacity => _parent.Capacity;

    /// <inheritdoc/>
    public nint Allocate(nint size, nint alignment) => Allocate(size, alignment, name: null, file: null, line: 0);

    /// <inheritdoc/>
    public nint Allocate(nint size, nint alignment, string? name, string? file, int line)
    {
        nint pointer = _parent.Allocate(size, alignment, name, file, line);
        if (pointer != 0)
            Interlocked.Add(ref _allocatedBytes, _parent.AllocationSize(pointer));
        return pointer;
    }

    /// <inheritdoc/>
    public void DeAllocate(nint pointer, nint size, nint alignment)
    {
        // Read the size before the block goes back: afterwards it belongs to the parent.
        Interlocked.Add(ref _allocatedBytes, -_parent.AllocationSize(pointer));
        _parent.DeAllocate(pointer, size, alignment);
    }

    /// <inheritdoc/>
    public nint ReAllocate(nint pointer, nint newSize, nint newAlignment)
    {
        nint oldSize = _parent.AllocationSize(pointer);
        nint moved = _parent.ReAllocate(pointer, newSize, newAlignment);
        if (moved != 0)
            Interlocked.Add(ref _allocatedBytes, _parent.AllocationSize(moved) - oldSize);
        return moved;
    }

    /// <inheritdoc/>
    public readonly nint AllocationSize(nint pointer) => _parent.AllocationSize(pointer);

    /// <summary>
    /// Nothing to do: the child caches nothing. The parent's cached memory is the parent's to release, and
    /// <see cref="AllocatorManager.GarbageCollect"/> reaches it; forwarding here would collect the parent
    /// once per child.
    /// </summary>
    public readonly void GarbageCollect()
    {
    }
}
