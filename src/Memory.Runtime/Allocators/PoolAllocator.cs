using Memory.Schemas;

namespace Memory;

/// <summary>
/// Very fast allocation of small blocks (8 to 512 bytes by default) from fixed size classes: O3DE's
/// <c>PoolAllocator</c>. <b>Not thread-safe</b>: use it from one thread at a time, or use <see cref="ThreadPoolAllocator"/>.
/// </summary>
/// <remarks>
/// Requests above the maximum size return 0. For a pool of another shape, create one with
/// <see cref="PoolAllocator(string, PoolSchemaOptions, string?)"/>; see <see cref="PoolSchema"/> for the sizes,
/// alignments and memory rules.
/// </remarks>
[TypeId("{5BC97FF9-E755-41ED-824D-176630B6CA85}")]
public sealed class PoolAllocator : AllocatorBase<PoolSchema>, IAllocatorType<PoolAllocator>
{
    /// <summary>Creates a pool with the default options; most code uses <see cref="Instance"/>.</summary>
    public PoolAllocator()
        : this(nameof(PoolAllocator), PoolSchemaOptions.Default, "Fixed-size small blocks, single-threaded")
    {
    }

    /// <summary>Creates a custom pool: its own name, page size and range of block sizes.</summary>
    /// <param name="name">The name shown in reports and used for tracking settings.</param>
    /// <param name="options">Page size, minimum and maximum allocation size.</param>
    /// <param name="description">What the pool is for.</param>
    /// <exception cref="ArgumentException">The options break a rule of <see cref="PoolSchemaOptions"/>, or the name is empty.</exception>
    public PoolAllocator(string name, PoolSchemaOptions options, string? description = null)
        : base(name, description ?? "Fixed-size small blocks, single-threaded", new PoolSchema(options))
    {
    }

    /// <summary>The process-wide pool allocator.</summary>
    public static PoolAllocator Instance => AllocatorInstance<PoolAllocator>.Get();

    /// <inheritdoc/>
    public static Guid TypeId { get; } = new("5BC97FF9-E755-41ED-824D-176630B6CA85");

    /// <inheritdoc/>
    public static string TypeName => "Memory.PoolAllocator";

    /// <summary>The page size and block size range of this pool.</summary>
    public PoolSchemaOptions Options => Schema.Options;

    /// <inheritdoc/>
    public static PoolAllocator CreateAllocator() => new();
}
