using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Memory.Diagnostics;

/// <summary>
/// The secret a heap writes into the blocks it frees, so that a second free of a block is caught on the spot by one
/// load and one compare, in every mode (the idea of glibc's tcache key; the links are encoded with it as in
/// mimalloc's free lists).
/// </summary>
/// <remarks>
/// <para>
/// Two forms, for two kinds of free list. A list whose links stay within one page (pool pages, HPHA small-block
/// pages) stores each link XOR the key in the block's first word, which is all an 8-byte block has: a freed block
/// then decodes to 0 or to an address in its own page (<see cref="LooksFreedInPage(nint, nint, nint)"/>). A list that spans pages
/// (thread caches of blocks of 16 bytes or more) keeps the plain link in the first word and the key itself in the
/// second (<see cref="HasKey"/>). Page lists write the key into the second word too, where a block has one, and the
/// check reads that word rather than the first: a program that writes the start of a block and frees it at once leaves
/// a narrow store in flight there, which a whole-word load cannot be served from (see <see cref="Schemas.FreeList"/>).
/// Handing a block out clears what was written, so a block freed straight after its allocation is never mistaken for
/// a freed one.
/// </para>
/// <para>
/// The key is random per heap, so live data matches it by chance only: a 64-bit value lands in the 4 KiB window
/// of a page one time in 2^52, and equals the key one time in 2^64. A program cannot forge it without reading freed
/// memory first.
/// </para>
/// </remarks>
internal static unsafe class FreedBlockKey
{
    /// <summary>The environment variable that turns the check on free off: <c>0</c> or <c>false</c>.</summary>
    public const string Variable = "MEMORY_DOUBLE_FREE_CHECK";

    /// <summary>
    /// Whether frees check the key (on unless <see cref="Variable"/> says otherwise). Read once: a static readonly
    /// field is a constant to tier-1 code, so with the check off its branch is not compiled at all.
    /// </summary>
    /// <remarks>
    /// Heaps still write the key (encoding a link costs one XOR); only the check on free goes, so turning it back on
    /// needs no change in memory layout.
    /// </remarks>
    public static readonly bool Enabled = IsEnabled(System.Environment.GetEnvironmentVariable(Variable));

    /// <summary>The reading of <see cref="Variable"/>: off for <c>0</c> or <c>false</c> (any case, spaces ignored), on otherwise.</summary>
    internal static bool IsEnabled(string? value)
    {
        string trimmed = value?.Trim() ?? "";
        return !(trimmed == "0" || trimmed.Equals("false", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A fresh random key, never 0.</summary>
    public static nint New()
    {
        nint key;
        do
        {
            key = (nint)Random.Shared.NextInt64(long.MinValue, long.MaxValue);
        }
        while (key == 0);
        return key;
    }

    /// <summary>Whether a block's first word decodes to a link of a free list within its page: 0 or an address in the page.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool LooksFreedInPage(nint block, nint key, nint pageMask)
    {
        nint decoded = *(nint*)block ^ key;
        return ((decoded ^ block) & ~pageMask) == 0 || decoded == 0;
    }

    /// <summary>Blocks of this many bytes or more on a page's free list hold the key in their second word as well.</summary>
    public static int KeyedBlockSize
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 2 * sizeof(nint);
    }

    /// <summary>
    /// Whether a block of <paramref name="blockSize"/> bytes on a page's free list looks free: its second word holds the
    /// key, or for a block of one word, that word decodes to a link of its page. A live block looks so only by a chance
    /// of 2^-52 or less; callers confirm on the page's list where they can.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool LooksFreedInPage(nint block, nint key, nint pageMask, nint blockSize)
        => blockSize >= KeyedBlockSize ? HasKey(block, key) : LooksFreedInPage(block, key, pageMask);

    /// <summary>Whether a block's second word holds the key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool HasKey(nint block, nint key) => ((nint*)block)[1] == key;

    /// <summary>Throws the double free a heap found, naming the allocator the heap belongs to.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowDoubleFree(string? allocatorName, nint pointer)
        => throw new AllocatorMisuseException(allocatorName ?? "(unnamed heap)", pointer, MisuseKind.DoubleFree,
            "DeAllocate of a block that is already free (its freed-block key is set)", allocationSite: null, owner: null);
}
