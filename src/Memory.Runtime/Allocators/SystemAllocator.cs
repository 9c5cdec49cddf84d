using Memory.Schemas;

namespace Memory;

/// <summary>
/// The general-purpose allocator, O3DE's <c>AZ::SystemAllocator</c>: an <see cref="HphaSchema"/> heap. The
/// default choice for native memory; subsystems tag their share with a
/// <c>ChildAllocator&lt;SystemAllocator&gt;</c> rather than a second heap.
/// </summary>
[TypeId("{7B1E5C3D-2A94-4F6B-8E0D-5C9A3B71F248}")]
public sealed class SystemAllocator : AllocatorBase<HphaSchema>, IAllocatorType<SystemAllocator>
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
        : base(nameof(SystemAllocator), "General-purpose heap (HPHA: small-block buckets, best-fit tree, big blocks from the OS)",
            new HphaSchema(options ?? throw new ArgumentNullException(nameof(options))))
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
