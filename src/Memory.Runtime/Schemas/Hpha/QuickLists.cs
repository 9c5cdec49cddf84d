using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Memory.Schemas.Hpha;

/// <summary>
/// Recently freed tree blocks of up to <see cref="MaxSize"/> bytes, held back from merging in short lists
/// by exact size, so that a program that frees and allocates the same sizes (the common case) is served
/// without touching the neighbours, the bins or the tree.
/// </summary>
/// <remarks>
/// <para>
/// Merging on free costs a look at both neighbours and their lists, each likely a cache miss; a held block
/// costs one push and, when its size is asked for again, one pop. A held block keeps its used flag, so its
/// neighbours do not merge with it, and is not counted as allocated. Each list holds at most
/// <see cref="Depth"/> blocks; a block that finds its list full is freed the ordinary way. The tree heap
/// empties every list before it would take a new chunk from the OS and on garbage collection, so held blocks
/// never make the heap grow (the same deferred merging as dlmalloc's and glibc's fast bins).
/// </para>
/// <para>
/// Blocks are linked through their first word. Not thread-safe: the tree heap's lock covers it.
/// </para>
/// </remarks>
internal unsafe struct QuickLists
{
    /// <summary>The largest block size held.</summary>
    public const int MaxSize = 8192;

    /// <summary>The most blocks held per size.</summary>
    public const int Depth = 4;

    private const int Shift = 4; // sizes are multiples of 16
    private const int ListCount = (MaxSize >> Shift) + 1;

    private Heads _heads;
    private Counts _counts;
    private int _blocks;
    private long _heldBytes;

    /// <summary>Bytes held.</summary>
    public readonly long HeldBytes => _heldBytes;

    /// <summary>Blocks held.</summary>
    public readonly int Count => _blocks;

    /// <summary>Holds a freed block of <paramref name="size"/> bytes; false when it is too large or its list is full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryPush(nint memory, nint size)
    {
        if (size > MaxSize)
            return false;
        int list = (int)(size >> Shift);
        ref byte count = ref CountAt(list);
        if (count >= Depth)
            return false;
        ref nint head = ref HeadAt(list);
        *(nint*)memory = head;
        head = memory;
        count++;
        _blocks++;
        _heldBytes += size;
        return true;
    }

    /// <summary>A held block of exactly <paramref name="size"/> bytes (a multiple of 16), or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public nint TryPop(nint size)
    {
        if (size > MaxSize)
            return 0;
        int list = (int)(size >> Shift);
        ref nint head = ref HeadAt(list);
        nint memory = head;
        if (memory != 0)
        {
            head = *(nint*)memory;
            CountAt(list)--;
            _blocks--;
            _heldBytes -= size;
        }
        return memory;
    }

    /// <summary>
    /// Takes any held block, or 0 when none is left; used to empty the lists. <paramref name="list"/> is where
    /// the search starts and is left where it stopped, so emptying every list is one pass (start it at 0).
    /// </summary>
    public nint PopAny(ref int list)
    {
        if (_blocks == 0)
            return 0;
        for (; list < ListCount; list++)
        {
            nint memory = HeadAt(list);
            if (memory != 0)
            {
                HeadAt(list) = *(nint*)memory;
                CountAt(list)--;
                _blocks--;
                _heldBytes -= (nint)list << Shift;
                return memory;
            }
        }
        return 0;
    }

    /// <summary>Checks that every held block is marked used and in the list of its size; null when all are.</summary>
    public string? Validate()
    {
        int total = 0;
        for (int list = 0; list < ListCount; list++)
        {
            int length = 0;
            for (nint memory = HeadAt(list); memory != 0; memory = *(nint*)memory)
            {
                nint header = BoundaryTag.HeaderOf(memory);
                if (!BoundaryTag.IsUsed(header))
                    return $"held block 0x{memory:X} is marked free";
                if (BoundaryTag.BlockSize(header) >> Shift != list)
                    return $"held block 0x{memory:X} of {BoundaryTag.BlockSize(header)} bytes is in list {list}";
                length++;
            }
            if (length != CountAt(list))
                return $"list {list} holds {length} blocks but counts {CountAt(list)}";
            total += length;
        }
        return total == _blocks ? null : $"{total} blocks held but {_blocks} counted";
    }

    [UnscopedRef]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref nint HeadAt(int list) => ref Unsafe.Add(ref Unsafe.As<Heads, nint>(ref _heads), list);

    [UnscopedRef]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref byte CountAt(int list) => ref Unsafe.Add(ref Unsafe.As<Counts, byte>(ref _counts), list);

    [InlineArray(ListCount)]
    private struct Heads
    {
        private nint _element0;
    }

    [InlineArray(ListCount)]
    private struct Counts
    {
        private byte _element0;
    }
}
