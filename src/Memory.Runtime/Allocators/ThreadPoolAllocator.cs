using Memory.Schemas;

namespace Memory;

/// <summary>
/// Thread-safe pool allocator: a pool of fixed size classes per thread (8 to 512 bytes by default), O3DE's
/// <c>ThreadPoolAllocator</c>. Allocation and same-thread frees take no lock; blocks may be freed from any thread.
/// </summary>
/// <remarks>
/// Requests above the maximum size return 0. For pools of another shape, create one with
/// <see cref="ThreadPoolAllocator(string, PoolSchemaOptions, string?)"/>; see <see cref="ThreadPoolSchema"/> for
/// cross-thread frees, exited threads and garbage collection.
/// </remarks>
[TypeId("{5F41E59F-6007-4755-ABAF-810CC00C6DE1}")]
public sealed class ThreadPoolAllocator : AllocatorBase<ThreadPoolSchema>, IAllocatorType<ThreadPoolAllocator>
{
    /// <summary>Creates per-thread pools with the default options; most code uses <see cref="Instance"/>.</summary>
    public ThreadPoolAllocator()
        : this(nameof(ThreadPoolAllocator), PoolSchemaOptions.Default, "Fixed-size small blocks, a pool per thread")
    {
    }

    /// <summary>Creates custom per-thread pools: their own name, page size and range of block sizes.</summary>
    /// <param name="name">The name shown in reports and used for tracking settings.</param>
    /// <param name="options">Page size, minimum and maximum allocation size.</param>
    /// <param name="description">What the pools are for.</param>
    /// <exception cref="ArgumentException">The options break a rule of <see cref="PoolSchemaOptions"/>, or the name is empty.</exception>
    public ThreadPoolAllocator(string name, PoolSchemaOptions options, string? description = null)
        : base(name, description ?? "Fixed-size small blocks, a pool per thread", new ThreadPoolSchema(options))
    {
    }

    /// <summary>The process-wide thread pool allocator.</summary>
    public static ThreadPoolAllocator Instance => AllocatorInstance<ThreadPoolAllocator>.Get();

    /// <inheritdoc/>
    public static Guid TypeId { get; } = new("5F41E59F-6007-4755-ABAF-810CC00C6DE1");

    /// <inheritdoc/>
    public static string TypeName => "Memory.ThreadPoolAllocator";

    /// <summary>The page size and block size range of every per-thread pool.</summary>
    public PoolSchemaOptions Options => Schema.Options;

    /// <inheritdoc/>
    public static ThreadPoolAllocator CreateAllocator() => new();

    /// <summary>Pools of exited threads not yet adopted by another thread or released.</summary>
    internal int OrphanedPoolCount => Schema.OrphanedPoolCount;
}
