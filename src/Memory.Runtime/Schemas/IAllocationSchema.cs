using Memory.Diagnostics;

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

    /// <summary>
    /// Whether the allocator passes the caller's label and site to
    /// <see cref="Allocate(nint, nint, string?, string?, int, OverrunDetection)"/>: true for schemas that forward to
    /// another allocator (child allocators), so the allocator at the end of the chain records the real call site and
    /// makes the guards the requester asked for.
    /// </summary>
    /// <remarks>Read through the type parameter, so for every other schema the test is a constant the JIT removes.</remarks>
    static virtual bool ForwardsCallSite => false;

    /// <summary>
    /// Whether the addresses this schema hands out lie in a range the process must not read or write (a GPU
    /// heap, a file region): the allocator then never fills, guards or copies them, whatever its debug settings.
    /// </summary>
    static virtual bool ManagesExternalMemory => false;

    /// <summary>
    /// Whether the schema counts its blocks itself, exactly and as part of the bookkeeping its hot path does anyway
    /// (<see cref="Counts"/>): the allocator's <see cref="Tracking.TrackingMode.Counters"/> then reads those counts
    /// instead of counting every call a second time, so counting costs such a schema nothing over tracking off.
    /// </summary>
    /// <remarks>
    /// The counts then cover every block the schema handed out, whatever the tracking mode was at the time. A guarded
    /// block counts at the user's size, as with any other schema: the allocator corrects the schema's figures for the
    /// guard bytes it saw and for the guard-page blocks it never saw.
    /// </remarks>
    static virtual bool KeepsCounts => false;

    /// <summary>
    /// Whether <see cref="AllocationSize"/> of a block is always the size it was requested with (no rounding up to a
    /// size class): the allocator's counting path then counts a fresh block by its request, without reading it back.
    /// </summary>
    static virtual bool SizesAreExact => false;

    /// <summary>The schema's own counts; read only when <see cref="KeepsCounts"/> is true.</summary>
    SchemaCounts Counts => default;

    /// <summary>Lowers the peak of <see cref="Counts"/> to the present live bytes; called only when <see cref="KeepsCounts"/> is true.</summary>
    void ResetPeak()
    {
    }

    /// <summary>
    /// Tells a schema that keeps its own counts whether its allocator is counting now (tracking
    /// <see cref="Tracking.TrackingMode.Counters"/> or more): a schema may keep the figures that cost it something on
    /// every call (the peak) only while they are read. Called when the allocator is made and whenever its tracking mode
    /// moves across that line; only when <see cref="KeepsCounts"/> is true.
    /// </summary>
    void CountingChanged(bool counting)
    {
    }

    /// <summary>
    /// Tells the schema which allocator holds it, so that the misuse it finds itself (a double free caught by its
    /// freed-block key) names that allocator, and a forwarding schema can tell its parent whose block it is. Called
    /// once, before the schema is used.
    /// </summary>
    void Attach(AllocatorBase allocator)
    {
    }

    /// <summary>
    /// Called once when the allocator is disposed: no allocation follows, so memory held for future ones can go back
    /// to its source. Live blocks stay valid. By default a <see cref="GarbageCollect"/>.
    /// </summary>
    void Retire() => GarbageCollect();

    /// <summary>Allocates a block, or returns 0 when it cannot.</summary>
    nint Allocate(nint size, nint alignment);

    /// <summary>
    /// Whether a request of this shape could ever succeed (a pool's maximum block, an external range's length).
    /// A request that never could is refused without the out-of-memory handling: collecting every allocator
    /// and calling the listeners cannot help it. Called only after <see cref="Allocate(nint, nint)"/> failed.
    /// </summary>
    bool CanEverServe(nint size, nint alignment) => true;

    /// <summary>
    /// Whether a reallocation that failed could succeed once memory is freed; called only after
    /// <see cref="ReAllocate"/> returned 0. By default whether the new shape could ever be served.
    /// </summary>
    bool CanEverReAllocate(nint pointer, nint newSize, nint newAlignment) => CanEverServe(newSize, newAlignment);

    /// <summary>
    /// Allocates a block on behalf of a caller, passing its label and site on; called instead of
    /// <see cref="Allocate(nint, nint)"/> only when <see cref="ForwardsCallSite"/> is true.
    /// </summary>
    /// <param name="size">Bytes requested.</param>
    /// <param name="alignment">Alignment requested; 0 for the schema's default.</param>
    /// <param name="name">The caller's label for the block.</param>
    /// <param name="file">The caller's source file.</param>
    /// <param name="line">The caller's source line.</param>
    /// <param name="overrun">
    /// The guards the requesting allocator (or a child further down the chain) asks for; <see cref="OverrunDetection.None"/>
    /// leaves the choice to the allocator that makes the block. A forwarding schema passes it on unchanged, so the guards
    /// are made, counted and checked at the end of the chain.
    /// </param>
    nint Allocate(nint size, nint alignment, string? name, string? file, int line, OverrunDetection overrun) => Allocate(size, alignment);

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

    /// <summary>
    /// A collection asked for from a thread that may not be the one using the schema (see
    /// <see cref="AllocatorManager.GarbageCollect"/>); called only for schemas that are not thread-safe, which note
    /// it and collect on their own thread later. By default nothing.
    /// </summary>
    void RequestGarbageCollect()
    {
    }
}
