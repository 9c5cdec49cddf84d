using System.Runtime.CompilerServices;

namespace Memory.Schemas;

/// <summary>
/// Intrusive singly linked lists of the free blocks of one page, for the pools' pages and HPHA's small-block pages: a
/// free block's first word holds the address of the next XOR the heap's key, and a free block of two words or more also holds the key itself in its second word (see
/// <see cref="Diagnostics.FreedBlockKey"/>), so a list costs no memory beyond its head and a block freed twice is
/// recognised by one of its words.
/// </summary>
/// <remarks>
/// <para>
/// The check on free reads the second word where the block has one, not the first. A program often writes the start
/// of a block just before freeing it, and a load of a whole word that overlaps a narrower store still in flight cannot
/// take its value from that store: it waits for the store to reach the cache. Reading the first word made the pool's
/// allocate-write-one-byte-free pair twice as slow (7.0 against 3.4 ns). The second word is where glibc's tcache keeps
/// its key, for the same reason. An 8-byte block has only its link, which is still recognised by decoding to its page.
/// </para>
/// <para>
/// This is why the minimum allocation size is at least a pointer. The cross-thread free stack links plain addresses
/// across pages (<see cref="Pool.RemoteFreeStack"/>); its blocks join a page's list, encoded and keyed, when the owner
/// drains it.
/// </para>
/// </remarks>
internal static unsafe class FreeList
{
    /// <summary>The block after <paramref name="block"/>, or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Next(nint block, nint key) => *(nint*)block ^ key;

    /// <summary>Links a free block of <paramref name="blockSize"/> bytes to <paramref name="next"/> and marks it free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetNext(nint block, nint next, nint key, int blockSize)
    {
        *(nint*)block = next ^ key;
        if (blockSize >= Diagnostics.FreedBlockKey.KeyedBlockSize)
            ((nint*)block)[1] = key;
    }

    /// <summary>Pushes <paramref name="block"/>, of <paramref name="blockSize"/> bytes, onto the list at <paramref name="head"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Push(ref nint head, nint block, nint key, int blockSize)
    {
        SetNext(block, head, key, blockSize);
        head = block;
    }

    /// <summary>Clears the link and the key of a block being handed out, so that it no longer looks free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Clear(nint block, int blockSize)
    {
        *(nint*)block = 0;
        if (blockSize >= Diagnostics.FreedBlockKey.KeyedBlockSize)
            ((nint*)block)[1] = 0;
    }

    /// <summary>Pops the first block of a non-empty list and clears it, so that it no longer looks free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Pop(ref nint head, nint key, int blockSize)
    {
        nint block = head;
        head = Next(block, key);
        Clear(block, blockSize);
        return block;
    }
}
