using Memory.Diagnostics;

namespace Memory.Schemas;

/// <summary>
/// A pass-through to a parent allocator, O3DE's <c>ChildAllocatorSchema</c>: every block comes from the
/// parent's child interface (<see cref="AllocatorBase.AllocateForChild"/>), so the parent's tracking counts it
/// (its totals include the child's, guards too) and records it as the child's, while the child allocator that
/// holds this schema keeps counts and records of its own.
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
    private AllocatorBase? _child;
    private long _allocatedBytes;

    /// <summary>Creates the schema over <paramref name="parent"/>.</summary>
    public ChildAllocatorSchema(TParent parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        _parent = parent;
        _child = null;
        _allocatedBytes = 0;
    }

    private readonly AllocatorBase Child => _child ?? throw new InvalidOperationException("The child schema is not attached to its allocator.");

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
    public void Attach(AllocatorBase allocator) => _child = allocator;

    /// <summary>
    /// False: a request the parent refused has been through the parent's out-of-memory handling already, and running
    /// it again for the child would call the listeners and collect every allocator a second time.
    /// </summary>
    public readonly bool CanEverServe(nint size, nint alignment) => false;

    /// <inheritdoc/>
    public nint Allocate(nint size, nint alignment) => Allocate(size, alignment, name: null, file: null, line: 0, OverrunDetection.None);

    /// <inheritdoc/>
    public nint Allocate(nint size, nint alignment, string? name, string? file, int line, OverrunDetection overrun)
    {
        nint pointer = _parent.AllocateForChild(Child, size, alignment, name, file, line, overrun);
        if (pointer != 0)
            Interlocked.Add(ref _allocatedBytes, _parent.AllocationSize(pointer));
        return pointer;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The parent frees first; the child's count changes only once it has. Misuse the parent finds (a double free, a
    /// damaged guard, a block of another allocator) is reported under the child's name, and changes nothing.
    /// </remarks>
    public void DeAllocate(nint pointer, nint size, nint alignment)
    {
        nint usable;
        try
        {
            // Read the size before the block goes back: afterwards it belongs to the parent.
            usable = _parent.AllocationSize(pointer);
            _parent.DeAllocateForChild(Child, pointer, size, alignment);
        }
        catch (AllocatorMisuseException misuse)
        {
            throw misuse.ReportedBy(Child.Name);
        }
        Interlocked.Add(ref _allocatedBytes, -usable);
    }

    /// <inheritdoc/>
    public nint ReAllocate(nint pointer, nint newSize, nint newAlignment)
    {
        nint oldSize, moved;
        try
        {
            oldSize = _parent.AllocationSize(pointer);
            moved = _parent.ReAllocateForChild(Child, pointer, newSize, newAlignment);
        }
        catch (AllocatorMisuseException misuse)
        {
            throw misuse.ReportedBy(Child.Name);
        }
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
