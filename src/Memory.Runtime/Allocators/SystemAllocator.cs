using Memory.Schemas;

namespace Memory;

/// <summary>
/// The general-purpose allocator, O3DE's <c>AZ::SystemAllocator</c>: an <see cref="HphaSchema"/> heap. The
/// default choice for native memory; subsystems tag their share with a
/// <c>ChildAllocator&lt;SystemAllocator&gt;</c> rather than a second heap.
/// </summary>
/// <remarks>
/// Not sealed, for code ported from engines where user allocators inherited the system allocator; each such
/// allocator is a separate heap with pages of its own, which rule MEM0006 reports. The hot paths are sealed
/// in <see cref="AllocatorBase{TSchema}"/>, so a derived class costs nothing on them.
/// </remarks>
[TypeId("{7B1E5C3D-2A94-4F6B-8E0D-5C9A3B71F248}")]
public class SystemAllocator : AllocatorBase<HphaSchema>, IAllocatorType<SystemAllocator>
{
    /// <summary>Creates a system allocator with the default options; most code uses <see cref="Instance"/>.</summary>
    public SystemAllocator()
        : this(HphaOptions.Default)
    {
    }

    /// <summary>Creates a system allocator with its own heap configured by <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="HphaOptions.Validate"/>).</exception>
    public SystemAllocator(HphaOptions options)
        : this(nameof(SystemAllocator), "General-purpose heap (HPHA: small-block buckets, best-fit tree, big blocks from the OS)", options)
    {
    }

    /// <summary>Creates a named heap for a derived allocator (a separate heap: prefer a child allocator).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    protected SystemAllocator(string name, string description, HphaOptions options)
        : base(name, description, new HphaSchema(options ?? throw new ArgumentNullException(nameof(options))))
    {
    }

    /// <summary>The process-wide system allocator.</summary>
    public static SystemAllocator Instance => AllocatorInstance<SystemAllocator>.Get();

    /// <inheritdoc/>
    public static Guid TypeId { get; } = new("7B1E5C3D-2A94-4F6B-8E0D-5C9A3B71F248");

    /// <inheritdoc/>
    public static string TypeName => "Memory.SystemAllocator";

    /// <summary>The options the heap was created with.</summary>
    public HphaOptions Options => Schema.Options;

    /// <inheritdoc/>
    public static SystemAllocator CreateAllocator() => new();

    /// <summary>Returns what the heap holds and no live block uses to the OS; live blocks stay valid.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            GarbageCollect();
        base.Dispose(disposing);
    }
}
