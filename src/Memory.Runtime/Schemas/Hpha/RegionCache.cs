using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using Memory.Internal;

namespace Memory.Schemas.Hpha;

/// <summary>
/// OS regions for blocks too big for a heap's chunks, with freed ones kept for the next request they fit (up
/// to a limit in bytes), because a program that frees a big block usually asks for one of about the same size
/// soon after, and an OS round trip for a megabyte costs microseconds (glibc maps, unmaps or moves its break
/// for it). Used by <see cref="BigBlocks"/> and by <see cref="HeapCentral"/> for its large blocks.
/// </summary>
/// <remarks>
/// <para>
/// Kept regions never make the heap hold more than it did at its peak: a request that no kept region fits,
/// and that would take what is reserved above the most reserved since the last <see cref="GarbageCollect"/>,
/// first gives that much of the kept regions back to the OS. So what is reserved stays within what was in
/// use at the peak plus one request, and <see cref="GarbageCollect"/> returns every kept region.
/// </para>
/// <para>
/// Every region is aligned to the cache's alignment (more when asked, and then not served from the kept
/// ones) and rounded to whole OS pages. Kept regions are filed by size in classes a quarter of a doubling
/// wide; a request takes the first fitting region of its own class or any of the next four (at most about
/// twice its size). A kept region holds its list link and its size in its first two words. One lock covers
/// the lists and the counts; it is never held across a call to the OS.
/// </para>
/// </remarks>
internal unsafe struct RegionCache
{
    /// <summary>OS blocks are rounded to whole OS pages: the OS hands out no less.</summary>
    private const int OSPageSize = 4096;

    /// <summary>Size classes: four per power of two.</summary>
    private const int ClassCount = 64 * 4;

    /// <summary>How many regions of its own class a request looks at before moving up a class.</summary>
    private const int SearchLimit = 4;

    private SpinGate _gate;
    private long _reservedBytes;
    private long _keptBytes;

    /// <summary>The most reserved since the last garbage collection; kept regions never take the heap above it.</summary>
    private long _peakReserved;

    private readonly long _keepLimit;
    private readonly nint _alignment;
    private Heads _kept;

    /// <param name="alignment">The alignment of every region (a power of two, at least an OS page).</param>
    /// <param name="keepLimit">The most bytes of freed regions kept; 0 keeps none.</param>
    public RegionCache(nint alignment, long keepLimit)
    {
        _alignment = alignment;
        _keepLimit = keepLimit;
    }

    /// <summary>Bytes held from the OS: regions in use and kept ones.</summary>
    public long ReservedBytes => Volatile.Read(ref _reservedBytes);

    /// <summary>Bytes of freed regions kept for reuse.</summary>
    public long KeptBytes => Volatile.Read(ref _keptBytes);

    /// <summary>
    /// A region of at least <paramref name="size"/> bytes aligned to the cache's alignment or to
    /// <paramref name="alignment"/> if larger, or 0 when the OS has none. <paramref name="regionSize"/> is what it
    /// really holds (whole pages, perhaps a kept region larger than asked), to pass back to <see cref="Free"/>.
    /// </summary>
    public nint Allocate(nint size, nint alignment, out nint regionSize)
    {
        nint total = AlignmentMath.AlignUp(size, OSPageSize);
        _gate.Enter();
        nint region = alignment <= _alignment ? TakeKept(total, out regionSize) : regionSize = 0;
        // Nothing kept fits: give back what a new region would hold above the peak, so keeping never makes
        // the heap grow past it. Below the peak kept regions stay, for the requests they do fit.
        nint surplus = region == 0 ? TakeSurplus(_reservedBytes + total - _peakReserved) : 0;
        _gate.Exit();
        ReturnToOS(surplus);
        if (region != 0)
            return region;

        region = OSSchema.AllocateBlock(total, Math.Max(alignment, _alignment));
        if (region == 0)
            return 0;
        regionSize = total;
        _gate.Enter();
        _reservedBytes += total;
        _peakReserved = Math.Max(_peakReserved, _reservedBytes);
        _gate.Exit();
        return region;
    }

    /// <summary>Frees a region from <see cref="Allocate"/>: keeps it for reuse, or returns it to the OS when the cache is full.</summary>
    public void Free(nint region, nint regionSize)
    {
        _gate.Enter();
        bool keep = _keptBytes + regionSize <= _keepLimit;
        if (keep)
            Keep(region, regionSize);
        else
            _reservedBytes -= regionSize;
        _gate.Exit();
        if (!keep)
            OSSchema.FreeBlock(region);
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

    private static int ClassOf(nint total)
    {
        int log = BitOperations.Log2((nuint)total);
        return log * 4 + (int)((total >> (log - 2)) & 3);
    }

    private void Keep(nint region, nint total)
    {
        ref nint head = ref HeadAt(ClassOf(total));
        ((nint*)region)[0] = head;
        ((nint*)region)[1] = total;
        head = region;
        _keptBytes += total;
    }

    /// <summary>A kept region of at least <paramref name="total"/> bytes, unlinked, or 0. Under the lock.</summary>
    private nint TakeKept(nint total, out nint regionSize)
    {
        regionSize = 0;
        if (_keptBytes == 0)
            return 0;
        int first = ClassOf(total);
        ref nint link = ref HeadAt(first);
        for (int seen = 0; link != 0 && seen < SearchLimit; seen++)
        {
            if (((nint*)link)[1] >= total)
                return Unlink(ref link, out regionSize);
            link = ref *(nint*)link;
        }
        // Every region of a higher class is larger than the request; stop at twice its size.
        for (int sizeClass = first + 1; sizeClass <= first + 4 && sizeClass < ClassCount; sizeClass++)
        {
            ref nint head = ref HeadAt(sizeClass);
            if (head != 0)
                return Unlink(ref head, out regionSize);
        }
        return 0;
    }

    private nint Unlink(ref nint link, out nint regionSize)
    {
        nint region = link;
        regionSize = ((nint*)region)[1];
        link = *(nint*)region;
        _keptBytes -= regionSize;
        return region;
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
                nint region = Unlink(ref head, out nint total);
                _reservedBytes -= total;
                taken += total;
                *(nint*)region = list;
                list = region;
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
