using System.Runtime.CompilerServices;

namespace Memory.Schemas.Pool;

/// <summary>
/// Intrusive singly linked lists of free blocks: a free block's first word holds the address of the next, so a
/// list costs no memory beyond its head. Used for the free blocks of a page and for the cross-thread free stack.
/// </summary>
/// <remarks>This is why the minimum allocation size is at least a pointer.</remarks>
internal static unsafe class FreeList
{
    /// <summary>The block after <paramref name="block"/>, or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Next(nint block) => *(nint*)block;

    /// <summary>Links <paramref name="block"/> to <paramref name="next"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetNext(nint block, nint next) => *(nint*)block = next;

    /// <summary>Pushes <paramref name="block"/> onto the list at <paramref name="head"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Push(ref nint head, nint block)
    {
        *(nint*)block = head;
        head = block;
    }

    /// <summary>Pops the first block of a non-empty list.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Pop(ref nint head)
    {
        nint block = head;
        head = *(nint*)block;
        return block;
    }
}
