namespace Memory.Schemas.Pool;

/// <summary>
/// A run of consecutive, page-aligned pages taken from the C heap in one request, and returned in one when none
/// of its pages is in use. Asking for runs rather than single pages keeps the price of alignment (up to a page of
/// slack per request) to a small fraction of the memory held.
/// </summary>
/// <remarks>
/// The record lives in a small block of its own from <see cref="OSSchema"/>, so the pages stay whole.
/// Pages are handed out front to back and written only when first handed out (<see cref="Touched"/>), so a run
/// that is never filled never has its tail committed by the operating system.
/// </remarks>
internal unsafe struct PageRun
{
    /// <summary>The first page.</summary>
    public nint Start;

    /// <summary>Pages handed out at least once; the rest have never been written.</summary>
    public int Touched;

    /// <summary>Pages no size class is using: the untouched ones plus those in the pool's empty-page cache.</summary>
    public int FreePages;

    /// <summary>Neighbours in the pool's list of runs.</summary>
    public PageRun* Next;

    /// <inheritdoc cref="Next"/>
    public PageRun* Previous;
}
