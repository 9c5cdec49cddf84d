using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Containers;

/// <summary>
/// The C heap, except that <see cref="ReAllocate"/> always moves the block and poisons the old one before
/// freeing it: code that keeps using a block after growth reads 0xDD instead of passing by luck.
/// </summary>
internal struct AlwaysMovingSchema : IAllocationSchema
{
    public static bool IsThreadSafe => true;

    public readonly long NumAllocatedBytes => 0;

    public readonly long ReservedBytes => 0;

    public readonly long Capacity => long.MaxValue;

    public readonly nint Allocate(nint size, nint alignment) => default(OSSchema).Allocate(size, alignment);

    public readonly void DeAllocate(nint pointer, nint size, nint alignment) => default(OSSchema).DeAllocate(pointer, size, alignment);

    public readonly unsafe nint ReAllocate(nint pointer, nint newSize, nint newAlignment)
    {
        nint moved = default(OSSchema).Allocate(newSize, newAlignment);
        if (moved == 0)
            return 0;
        nint oldSize = default(OSSchema).AllocationSize(pointer);
        int copied = (int)Math.Min(oldSize, newSize);
        new Span<byte>((void*)pointer, copied).CopyTo(new Span<byte>((void*)moved, copied));
        new Span<byte>((void*)pointer, (int)oldSize).Fill(0xDD);
        default(OSSchema).DeAllocate(pointer, oldSize, 0);
        return moved;
    }

    public readonly nint AllocationSize(nint pointer) => default(OSSchema).AllocationSize(pointer);

    public readonly void GarbageCollect()
    {
    }
}

/// <summary>The C heap, refusing any block larger than a limit: out of memory on demand.</summary>
internal struct CappedSchema(nint limit) : IAllocationSchema
{
    public static bool IsThreadSafe => true;

    public readonly long NumAllocatedBytes => 0;

    public readonly long ReservedBytes => 0;

    public readonly long Capacity => limit;

    public readonly nint Allocate(nint size, nint alignment) => size > limit ? 0 : default(OSSchema).Allocate(size, alignment);

    public readonly void DeAllocate(nint pointer, nint size, nint alignment) => default(OSSchema).DeAllocate(pointer, size, alignment);

    public readonly nint ReAllocate(nint pointer, nint newSize, nint newAlignment)
        => newSize > limit ? 0 : default(OSSchema).ReAllocate(pointer, newSize, newAlignment);

    public readonly nint AllocationSize(nint pointer) => default(OSSchema).AllocationSize(pointer);

    public readonly void GarbageCollect()
    {
    }
}

internal sealed class MovingTestAllocator : AllocatorBase<AlwaysMovingSchema>
{
    private static int s_created;

    public MovingTestAllocator()
        : base($"MovingTestAllocator{Interlocked.Increment(ref s_created)}", "Moves on every ReAllocate", default)
    {
        if (Records.Mode < TrackingMode.Counters)
            Records.Mode = TrackingMode.Counters;
    }
}

internal sealed class CappedTestAllocator : AllocatorBase<CappedSchema>
{
    private static int s_created;

    public CappedTestAllocator(nint limit)
        : base($"CappedTestAllocator{Interlocked.Increment(ref s_created)}", "Refuses large blocks", new CappedSchema(limit))
    {
        if (Records.Mode < TrackingMode.Counters)
            Records.Mode = TrackingMode.Counters;
    }
}
