using System.Runtime.CompilerServices;
using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Tracking;

/// <summary>Allocators private to one test, so settings by name and counts never leak between tests.</summary>
internal static class TestAllocators
{
    private static int s_next;

    /// <summary>A name no other allocator in the process has.</summary>
    public static string UniqueName([CallerMemberName] string test = "")
        => $"Test.{test}.{Interlocked.Increment(ref s_next)}";
}

/// <summary>An allocator over the C heap with a thread-safe schema: its counters are striped per thread.</summary>
internal sealed class ThreadSafeTestAllocator : AllocatorBase<OSSchema>
{
    public ThreadSafeTestAllocator(TrackingMode mode, [CallerMemberName] string test = "")
        : this(TestAllocators.UniqueName(test), mode)
    {
    }

    /// <summary>Creates it under <paramref name="name"/>, with the settings the manager has for that name unless <paramref name="mode"/> is given.</summary>
    public ThreadSafeTestAllocator(string name, TrackingMode? mode = null)
        : base(name, "test allocator over the C heap", default)
    {
        if (mode is { } set)
            Records.Mode = set;
    }
}

/// <summary>The C heap behind a schema that declares itself not thread-safe: its counters are plain fields.</summary>
internal struct SingleThreadedOSSchema : IAllocationSchema
{

    public static bool IsThreadSafe => false;

    // The C heap holds no state of its own.
    private static OSSchema Os => default;

    public readonly long NumAllocatedBytes => 0;

    public readonly long ReservedBytes => 0;

    public readonly long Capacity => long.MaxValue;

    public readonly nint Allocate(nint size, nint alignment) => Os.Allocate(size, alignment);

    public readonly void DeAllocate(nint pointer, nint size, nint alignment) => Os.DeAllocate(pointer, size, alignment);

    public readonly nint ReAllocate(nint pointer, nint newSize, nint newAlignment) => Os.ReAllocate(pointer, newSize, newAlignment);

    public readonly nint AllocationSize(nint pointer) => Os.AllocationSize(pointer);

    public readonly void GarbageCollect()
    {
    }
}

/// <summary>An allocator whose schema is not thread-safe: plain counters, exact peak.</summary>
internal sealed class SingleThreadedTestAllocator : AllocatorBase<SingleThreadedOSSchema>
{
    public SingleThreadedTestAllocator(TrackingMode mode, [CallerMemberName] string test = "")
        : base(TestAllocators.UniqueName(test), "single-threaded test allocator over the C heap", default)
        => Records.Mode = mode;
}

/// <summary>
/// A schema over the C heap that keeps freed blocks instead of returning them, until
/// <see cref="GarbageCollect"/>: freed memory stays readable (to see fill patterns) and addresses are never
/// reused meanwhile (so a second free is always a double free).
/// </summary>
internal struct QuarantineSchema : IAllocationSchema
{
    private readonly List<nint> _quarantine;

    public QuarantineSchema() => _quarantine = [];

    public static bool IsThreadSafe => false;

    // The C heap holds no state of its own.
    private static OSSchema Os => default;

    public readonly long NumAllocatedBytes => 0;

    public readonly long ReservedBytes => 0;

    public readonly long Capacity => long.MaxValue;

    public readonly int Quarantined => _quarantine.Count;

    public readonly nint Allocate(nint size, nint alignment) => Os.Allocate(size, alignment);

    public readonly void DeAllocate(nint pointer, nint size, nint alignment) => _quarantine.Add(pointer);

    public readonly nint ReAllocate(nint pointer, nint newSize, nint newAlignment) => Os.ReAllocate(pointer, newSize, newAlignment);

    public readonly nint AllocationSize(nint pointer) => Os.AllocationSize(pointer);

    public readonly void GarbageCollect()
    {
        foreach (var pointer in _quarantine)
            Os.DeAllocate(pointer, 0, 0);
        _quarantine.Clear();
    }
}

/// <summary>An allocator over <see cref="QuarantineSchema"/>; disposing it releases the quarantine.</summary>
internal sealed class QuarantineTestAllocator : AllocatorBase<QuarantineSchema>
{
    public QuarantineTestAllocator(TrackingMode mode, [CallerMemberName] string test = "")
        : base(TestAllocators.UniqueName(test), "test allocator that keeps freed blocks", new QuarantineSchema())
        => Records.Mode = mode;

    public int Quarantined => Schema.Quarantined;

    // Only disposing releases the quarantine: tests read freed blocks, whatever collections run meanwhile.
    public override void GarbageCollect()
    {
    }

    protected override void Dispose(bool disposing) => Schema.GarbageCollect();
}

/// <summary>
/// A schema with a byte limit: requests beyond it fail until <see cref="GarbageCollect"/> releases the
/// blocks it caches after they are freed. For out-of-memory handling.
/// </summary>
internal struct LimitedSchema : IAllocationSchema
{
    private readonly State _state;

    public LimitedSchema(long limit) => _state = new State { Limit = limit };

    public static bool IsThreadSafe => false;

    // The C heap holds no state of its own.
    private static OSSchema Os => default;

    public readonly long NumAllocatedBytes => _state.Used;

    public readonly long ReservedBytes => _state.Used + _state.CachedBytes;

    public readonly long Capacity => _state.Limit;

    public readonly int GarbageCollections => _state.GarbageCollections;

    public readonly nint Allocate(nint size, nint alignment)
    {
        if (_state.Used + _state.CachedBytes + size > _state.Limit)
            return 0;
        _state.Used += size;
        return Os.Allocate(size, alignment);
    }

    public readonly void DeAllocate(nint pointer, nint size, nint alignment)
    {
        nint usable = Os.AllocationSize(pointer);
        _state.Used -= usable;
        _state.CachedBytes += usable;
        _state.Cache.Add(pointer);
    }

    public readonly nint ReAllocate(nint pointer, nint newSize, nint newAlignment) => 0;

    public readonly nint AllocationSize(nint pointer) => Os.AllocationSize(pointer);

    public readonly void GarbageCollect()
    {
        _state.GarbageCollections++;
        foreach (var pointer in _state.Cache)
            Os.DeAllocate(pointer, 0, 0);
        _state.Cache.Clear();
        _state.CachedBytes = 0;
    }

    private sealed class State
    {
        public readonly List<nint> Cache = [];
        public long Limit;
        public long Used;
        public long CachedBytes;
        public int GarbageCollections;
    }
}

/// <summary>An allocator over <see cref="LimitedSchema"/>.</summary>
internal sealed class LimitedTestAllocator : AllocatorBase<LimitedSchema>
{
    public LimitedTestAllocator(long limit, [CallerMemberName] string test = "")
        : base(TestAllocators.UniqueName(test), "test allocator with a byte limit", new LimitedSchema(limit))
    {
    }

    public int GarbageCollections => Schema.GarbageCollections;

    protected override void Dispose(bool disposing) => Schema.GarbageCollect();
}
