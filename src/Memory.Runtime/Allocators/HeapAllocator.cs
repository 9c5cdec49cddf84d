using Memory.Schemas;

namespace Memory;

/// <summary>
/// A general heap with per-thread caches (<see cref="HeapSchema"/>), for allocation-heavy work spread over
/// many threads: most allocations and frees take no lock, and blocks may be freed on any thread.
/// </summary>
[TypeId("{12AFC47B-3A37-47AD-8AE5-035417CC7421}")]
public sealed class HeapAllocator : AllocatorBase<HeapSchema>, IAllocatorType<HeapAllocator>
{
    /// <summary>Creates a heap allocator with a heap of its own; most code uses <see cref="Instance"/>.</summary>
    public HeapAllocator()
        : base(nameof(HeapAllocator), "General heap with per-thread caches for multithreaded work", new HeapSchema())
    {
    }

    /// <summary>The process-wide heap allocator.</summary>
    public static HeapAllocator Instance => AllocatorInstance<HeapAllocator>.Get();

    /// <inheritdoc/>
    public static Guid TypeId { get; } = new("12AFC47B-3A37-47AD-8AE5-035417CC7421");

    /// <inheritdoc/>
    public static string TypeName => "Memory.HeapAllocator";

    /// <inheritdoc/>
    public static HeapAllocator CreateAllocator() => new();

    /// <summary>How many live threads have a cache of this heap.</summary>
    public int ThreadCacheCount => Schema.ThreadCacheCount;

    /// <summary>Free blocks waiting in thread caches (approximate while other threads run).</summary>
    public long CachedBlocks => Schema.CachedBlocks;

    /// <summary>Returns the free chunks to the OS; blocks still allocated stay valid.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            Schema.GarbageCollect();
        base.Dispose(disposing);
    }
}
