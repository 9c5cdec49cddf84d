namespace Memory.Benchmarks.Peers;

/// <summary>
/// An allocator that can say how much memory it holds, for the memory-overhead report
/// (<c>--overhead</c>): peak reserved against peak live.
/// </summary>
public interface IMeasuredHeap
{
    /// <summary>Bytes the allocator holds from its source (pages, arenas, mappings), used or not; 0 when it does not know.</summary>
    static abstract long ReservedBytes { get; }

    /// <summary>Bytes in live blocks as the allocator counts them (usable sizes, headers excluded); 0 when it does not know.</summary>
    static abstract long AllocatedBytes { get; }

    /// <summary>Read the figures after every this many allocations (1 when reading them is cheap).</summary>
    static abstract int SampleEvery { get; }

    /// <summary>Gives cached free memory back to the source, so one measurement does not start with another's leftovers.</summary>
    static abstract void ReleaseCached();
}
