using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using Memory.Internal;

namespace Memory.Schemas.Hpha;

/// <summary>
/// Requests above the tree heap's threshold, each its own region from the OS. A freed region is kept for the
/// next big request it fits (up to <see cref="HphaOptions.BigBlockCacheSize"/> bytes of them), because a
/// program that frees a big block usually asks for one of about the same size soon after, and an OS round
/// trip for a megabyte costs microseconds (glibc maps, unmaps or moves its break for it).
/// </summary>
/// <remarks>
/// <para>
/// Kept regions never make the heap hold more than it did at its peak: a request that no kept region fits,
/// and that would take the heap above the most it has reserved since the last collection, first gives that
/// much of the kept regions back to the OS. So what is reserved stays within what was in use at the peak
/// plus one request, and <see cref="GarbageCollect"/> returns them all.
/// Kept regions are filed by size in classes a quarter of a doubling wide; a request takes the first fitting
/// region of its own class or any of the next (at most about half its size more).
/// </para>
/// <para>
/// The region is aligned to the heap's region size and starts with a <see cref="BigBlockHeader"/>, so the
/// same masked read that classifies every pointer finds it. For alignments of a whole region or more the
/// pointer lands on a region boundary; the header is then written one region below the pointer, which is
/// still inside the OS block (the padding in front of the pointer is at least one region). One lock covers
/// the kept regions and the counts; it is never held across a call to the OS.
/// </para>
/// </remarks>
internal unsafe struct BigBlocks
{
    /// <summary>Bytes reserved in front of the block's memory for its header.</summary>
    private const int HeaderRoom = 32;

    /// <summary>OS blocks are rounded to whole OS pages: the OS hands out no less.</summary>
    private const int OSPageSize = 4096;

    /// <summary>Size classes: four per power of two, up to 2^63.</summary>
    private const int ClassCount = 64 * 4;

    /// <summary>How many regions of its own class a request looks at before moving up a class.</summary>
    private const int SearchLimit = 4;

    private SpinGate _gate;
    private long _allocatedBytes;
    private long _reservedBytes;
    private long _keptBytes;

    /// <summary>The most reserved since the last garbage collection; kept regions never take the heap above it.</summary>
    private long _peakReserved;
    private readonly long _keepLimit;
    private Heads _kept;

    public BigBlocks(long keepLimit) => _keepLimit = keepLimit;

    public long AllocatedBytes => Volatile.Read(ref _allocatedBytes);

    /// <summary>Bytes held from the OS: live big blocks and kept regions.</summary>
    public long ReservedBytes => Volatile.Read(ref _reservedBytes);

    /// <summary>Bytes of freed regions kept for reuse.</summary>
    public long KeptBytes => Volatile.Read(ref _keptBytes);

    /// <summary>Allocates a big block; <paramref name="size"/> has been checked against the heap's maximum.</summary>
    public nint Allocate(nint size, nint alignment, nint regionSize)
    {
        // With the OS block aligned to the region size, the pointer sits exactly `front` bytes in for
        // alignments up to a region; beyond that it is at most `alignment` bytes in.
        nint front = Math.Max(HeaderRoom, alignment);
        nint total = AlignmentMath.AlignUp(front + size, OSPageSize);

        _gate.Enter();
        nint block = TakeKept(total, out nint blockTotal);
        // Nothing kept fits: give back what taking a new region would hold above the peak, so keeping never
        // makes the heap grow past it. Below the peak kept regions stay, for the requests they do fit.
        nint surplus = block == 0 ? TakeSurplus(_reservedBytes + total - _peakReserved) : 0;
        _gate.Exit();
        ReturnToOS(surplus);

        bool fresh = block == 0;
        if (fresh)
        {
            block = OSSchema.AllocateBlock(total, regionSize);
            if (block == 0)
                return 0;
            blockTotal = total;
        }

        nint pointer = AlignmentMath.AlignUp(block + HeaderRoom, Math.Max(alignment, BoundaryTag.Granularity));
        var header = (BigBlockHeader*)((pointer - 1) & ~(regionSize - 1));
        header->Region.Kind = RegionKind.Big;
        header->Region.SmallPages = 0;
        header->Base = block;
        header->End = block + blockTotal;
        _gate.Enter();
        if (fresh)
        {
            _reservedBytes += blockTotal;
            _peakReserved = Math.Max(_peakReserved, _reservedBytes);
        }
        _allocatedBytes += header->End - pointer;
        _gate.Exit();
        return pointer;
    }

    /// <summary>Frees a big block: keeps its region for reuse, or returns it to the OS when the cache is full.</summary>
    public void Free(nint pointer, BigBlockHeader* header)
    {
        nint block = header->Base;
        nint total = header->End - block;
        _gate.Enter();
        _allocatedBytes -= header->End - pointer;
        bool keep = _keptBytes + total <= _keepLimit;
        if (keep)
            Keep(block, total);
        else
            _reservedBytes -= total;
        _gate.Exit();
        if (!keep)
            OSSchema.FreeBlock(block);
    }

    /// <summary>Returns every kept region to the OS.</summary>
    public void GarbageCollect()
    {
        _gate.Enter();
        nint all = TakeSurplus(long.MaxValue);
        _peakReserved = _reservedBytes;
        _gate.Exit();
        ReturnToOS(all);
    }

    /// <summary>The usable size: everything from the pointer to the end of the OS block.</summary>
    public static nint BlockSize(nint pointer, BigBlockHeader* header) => header->End - pointer;

    private static int ClassOf(nint total)
    {
        int log = BitOperations.Log2((nuint)total);
        return log * 4 + (int)((total >> (log - 2)) & 3);
    }

    // A kept region holds its list link and its size in its first two words.
    private void Keep(nint block, nint total)
    {
        ref nint head = ref HeadAt(ClassOf(total));
        ((nint*)block)[0] = head;
        ((nint*)block)[1] = total;
        head = block;
        _keptBytes += total;
    }

    /// <summary>A kept region of at least <paramref name="total"/> bytes, unlinked, or 0. Under the lock.</summary>
    private nint TakeKept(nint total, out nint blockTotal)
    {
        blockTotal = 0;
        if (_keptBytes == 0)
            return 0;
        int first = ClassOf(total);
        ref nint link = ref HeadAt(first);
        for (int seen = 0; link != 0 && seen < SearchLimit; seen++)
        {
            nint block = link;
            if (((nint*)block)[1] >= total)
                return Unlink(ref link, out blockTotal);
            link = ref *(nint*)block;
        }
        // Every region of a higher class is larger than the request; stop at twice its size.
        for (int sizeClass = first + 1; sizeClass <= first + 4 && sizeClass < ClassCount; sizeClass++)
        {
            ref nint head = ref HeadAt(sizeClass);
            if (head != 0)
                return Unlink(ref head, out blockTotal);
        }
        return 0;
    }

    private nint Unlink(ref nint link, out nint blockTotal)
    {
        nint block = link;
        blockTotal = ((nint*)block)[1];
        link = *(nint*)block;
        _keptBytes -= blockTotal;
        return block;
    }

    /// <summary>
    /// Unlinks kept regions worth at least <paramref name="bytes"/> (or all there are), largest classes first,
    /// and returns them as one list for <see cref="ReturnToOS"/>. Under the lock.
    /// </summary>
    private nint TakeSurplus(long bytes)
    {
        nint list = 0;
        long taken = 0;
        for (int sizeClass = ClassCount - 1; sizeClass >= 0 && taken < bytes && _keptBytes != 0; sizeClass--)
        {
            ref nint head = ref HeadAt(sizeClass);
            while (head != 0 && taken < bytes)
            {
                nint block = Unlink(ref head, out nint total);
                _reservedBytes -= total;
                taken += total;
                *(nint*)block = list;
                list = block;
            }
        }
        return list;
    }

    private static void ReturnToOS(nint list)
    {
        while (list != 0)
        {
            nint next = *(nint*)list;
            OSSchema.FreeBlock(list);
            list = next;
        }
    }

    [UnscopedRef]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref nint HeadAt(int sizeClass) => ref Unsafe.Add(ref Unsafe.As<Heads, nint>(ref _kept), sizeClass);

    [InlineArray(ClassCount)]
    private struct Heads
    {
        private nint _element0;
    }
}
