namespace Memory.Runtime.Tests.Testing;

/// <summary>
/// A tag written at both ends of a live block and checked before it is freed: a block handed out twice, or written by a
/// cache that two threads used at once, shows as a wrong tag.
/// </summary>
internal static unsafe class BlockTag
{
    /// <summary>Writes <paramref name="tag"/> at the start of the block and its complement at the end, where they do not overlap.</summary>
    public static void Write(nint address, int size, long tag)
    {
        *(long*)address = tag;
        if (size >= 2 * sizeof(long))
            *(long*)(address + size - sizeof(long)) = ~tag;
    }

    /// <summary>Whether the block still holds what <see cref="Write"/> put there.</summary>
    public static bool Holds(nint address, int size, long tag)
        => *(long*)address == tag && (size < 2 * sizeof(long) || *(long*)(address + size - sizeof(long)) == ~tag);
}
