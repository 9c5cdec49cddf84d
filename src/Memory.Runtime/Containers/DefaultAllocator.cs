namespace Memory.Containers;

/// <summary>
/// The allocator a container or buffer adapter uses when the caller names none: the process-wide
/// system allocator.
/// </summary>
internal static class DefaultAllocator
{
    /// <summary>The process-wide default; read once per container, at construction.</summary>
    public static IAllocator Instance => SystemAllocator.Instance;
}
