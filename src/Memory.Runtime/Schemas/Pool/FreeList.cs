using System.Runtime.CompilerServices;

namespace Memory.Schemas.Pool;

/// <summary>
/// Intrusive singly linked lists of the free blocks of one page: a free block's first word holds the address of the
/// next XOR the pool's key (see <see cref="Diagnostics.FreedBlockKey"/>), so a list costs no memory beyond its head
/// and a block freed twice is recognised by its first word.
/// </summary>
/// <remarks>
/// This is why the minimum allocation size is at least a pointer. The cross-thread free stack links plain addresses
/// across pages (<see cref="RemoteFreeStack"/>); its blocks join a page's list, encoded, when the owner drains it.
/// </remarks>
internal static unsafe class FreeList
{
    /// <summary>The block after <paramref name="block"/>, or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Next(nint block, nint key) => *(nint*)block ^ key;

    /// <summary>Links <paramref name="block"/> to <paramref name="next"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetNext(nint block, nint next, nint key) => *(nint*)block = next ^ key;

    /// <summary>Pushes <paramref name="block"/> onto the list at <paramref name="head"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Push(ref nint head, nint block, nint key)
    {
        *(nint*)block = head ^ key;
        head = block;
    }

    /// <summary>Clears the link of a block being handed out, so that it no longer looks free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Clear(nint block) => *(nint*)block = 0;

    /// <summary>Pops the first block of a non-empty list and clears its link, so that it no longer looks free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Pop(ref nint head, nint key)
    {
        nint block = head;
        head = *(nint*)block ^ key;
        *(nint*)block = 0;
        return block;
    }
}
