using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Reliability;

/// <summary>A child allocator over a system allocator of its own, so a test sees exact figures for both.</summary>
internal sealed class SystemChildAllocator : ChildAllocator<SystemAllocator>
{
    public SystemChildAllocator(string name, SystemAllocator parent)
        : base(name, "Child of the reliability tests", parent)
    {
    }
}

/// <summary>A child that is a parent too: the middle of a three-level chain.</summary>
internal sealed class MiddleChildAllocator(string name, SystemAllocator parent)
    : ChildAllocator<SystemAllocator>(name, "Middle of a chain in the reliability tests", parent), IAllocatorType<MiddleChildAllocator>
{
    public static Guid TypeId { get; } = new("6F1D2A43-8B0C-4E55-9A7E-3C2B1D0E9F84");

    public static string TypeName => "Memory.Runtime.Tests.Reliability.MiddleChildAllocator";

    // The chains of these tests are built with explicit parents; no process-wide instance is ever asked for.
    public static MiddleChildAllocator CreateAllocator() => throw new NotSupportedException("Built with an explicit parent only.");
}

/// <summary>The end of a three-level chain: its blocks come from the system allocator through <see cref="MiddleChildAllocator"/>.</summary>
internal sealed class GrandchildAllocator(string name, MiddleChildAllocator parent)
    : ChildAllocator<MiddleChildAllocator>(name, "End of a chain in the reliability tests", parent);

/// <summary>The allocators every misuse is tried on, created by name with tracking as a test asks.</summary>
internal static class ReliabilityAllocators
{
    // External ranges are never touched, only handed out: each allocator gets a range of its own, so their blocks differ.
    private const int ExternalRange = 1 << 20;
    private static long s_nextExternalRange = 0x1000_0000;

    /// <summary>The allocator kinds with an intrusive free list, and the child that frees through its parent.</summary>
    public static readonly string[] Kinds = ["Pool", "ThreadPool", "Heap", "System", "Child"];

    /// <summary>A fresh allocator of <paramref name="kind"/>; a child comes with its parent, which the caller disposes too.</summary>
    public static (AllocatorBase Allocator, AllocatorBase? Parent) Create(string kind, string name, TrackingMode mode = TrackingMode.Counters)
    {
        AllocatorBase? parent = null;
        AllocatorBase allocator = kind switch
        {
            "Pool" => new PoolAllocator(name, PoolSchemaOptions.Default),
            "ThreadPool" => new ThreadPoolAllocator(name, PoolSchemaOptions.Default),
            "Heap" => new NamedHeapAllocator(name),
            "System" => new NamedSystemAllocator(name),
            "Child" => new SystemChildAllocator(name, (SystemAllocator)(parent = new NamedSystemAllocator(name + ".Parent"))),
            "BestFitExternal" => new BestFitExternalAllocator(name, (nint)Interlocked.Add(ref s_nextExternalRange, ExternalRange), ExternalRange),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        allocator.Records.Mode = mode;
        if (parent is not null)
            parent.Records.Mode = mode;
        return (allocator, parent);
    }
}

/// <summary>A heap allocator with a name of its own.</summary>
internal sealed class NamedHeapAllocator(string name) : AllocatorBase<HeapSchema>(name, "Heap of the reliability tests", new HeapSchema());

// A separate heap is the point here: each test needs a heap no other test touches, named so misuse reports can be told apart.
#pragma warning disable MEM0006

/// <summary>A system allocator with a name of its own.</summary>
internal sealed class NamedSystemAllocator(string name) : SystemAllocator(name, "System heap of the reliability tests", HphaOptions.Default);
#pragma warning restore MEM0006
