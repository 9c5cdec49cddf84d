using Memory.Schemas;

namespace Memory;

/// <summary>
/// Memory straight from the operating system's C heap. Booted first and torn down last; other schemas
/// draw their pages from the same C heap through <see cref="OSSchema"/>.
/// </summary>
[TypeId("{9F4E3B0A-8C5D-4E5B-9A51-3E4C1B7D2A60}")]
public sealed class OSAllocator : AllocatorBase<OSSchema>, IAllocatorType<OSAllocator>
{
    /// <summary>Creates an OS allocator; most code uses <see cref="Instance"/>.</summary>
    public OSAllocator()
        : base(nameof(OSAllocator), "Memory from the operating system's C heap", default)
    {
    }

    /// <summary>The process-wide OS allocator.</summary>
    public static OSAllocator Instance => AllocatorInstance<OSAllocator>.Get();

    /// <inheritdoc/>
    public static Guid TypeId { get; } = new("9F4E3B0A-8C5D-4E5B-9A51-3E4C1B7D2A60");

    /// <inheritdoc/>
    public static string TypeName => "Memory.OSAllocator";

    /// <inheritdoc/>
    public static OSAllocator CreateAllocator() => new();
}
