namespace Memory.Tracking;

/// <summary>An allocator could not satisfy a request; listeners hear of it before the one retry.</summary>
/// <param name="Allocator">The allocator.</param>
/// <param name="Size">The size requested.</param>
/// <param name="Alignment">The alignment requested (0 for the default).</param>
public readonly record struct OutOfMemoryEvent(AllocatorBase Allocator, nint Size, nint Alignment);
