namespace Memory.Schemas;

/// <summary>
/// An allocation algorithm and its bookkeeping, without names, tracking or registration: those belong to
/// the allocator that holds the schema (<see cref="AllocatorBase{TSchema}"/>).
/// </summary>
/// <remarks>
/// Schemas are structs so that <see cref="AllocatorBase{TSchema}"/> is specialised per schema and the hot
/// path reaches the algorithm through direct, inlinable calls rather than interface dispatch. A schema
/// that needs shared state keeps it in a class it references.
/// Callers have already validated arguments: sizes are non-negative, alignments are 0 or a power of two.
/// </remarks>
public interface IAllocationSchema
{
    /// <summary>Whether the schema may be called from several threads at once.</summary>
    static abstract bool IsThreadSafe { get; }

    /// <summary>Allocates a block, or returns 0 when it cannot.</summary>
    nint Allocate(nint size, nint alignment);

    /// <summary>Frees a block this schema handed out; <paramref name="size"/> and <paramref name="alignment"/> may be 0.</summary>
    void DeAllocate(nint pointer, nint size, nint alignment);

    /// <summary>Resizes a live, non-null block keeping its contents; returns 0 (old block intact) on failure.</summary>
    nint ReAllocate(nint pointer, nint newSize, nint newAlignment);

    /// <summary>The usable size of a live block.</summary>
    nint AllocationSize(nint pointer);

    /// <summary>Bytes handed out and not yet returned, as the schema counts them.</summary>
    long NumAllocatedBytes { get; }

    /// <summary>Bytes the schema holds from its source (OS pages, parent allocator), used or not.</summary>
    long ReservedBytes { get; }

    /// <summary>The most the schema can hand out.</summary>
    long Capacity { get; }

    /// <summary>Returns free memory the schema caches to its source.</summary>
    void GarbageCollect();
}
