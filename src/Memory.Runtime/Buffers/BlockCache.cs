using System.Numerics;
using System.Runtime.CompilerServices;
using Memory.Internal;

namespace Memory.Buffers;

/// <summary>
/// The freed blocks an <see cref="AllocatorMemoryPool"/> keeps for its next rents: power-of-two size classes,
/// each with one block per thread in the thread's own slots and a small shared bin per processor (up to 16),
/// bounded in bytes.
/// </summary>
/// <remarks>
/// <para>
/// A rent looks in its thread's own slot first (<see cref="ThreadBlocks"/>: plain reads and writes, so a rent
/// and return on one thread cost no interlocked operation), then in the shared bins. Up to one thread per bin
/// gets slots of its own, in the first open cache it returns a block to; the others use the bins only.
/// </para>
/// <para>
/// A bin slot holds a block address or 0 and changes only by one interlocked exchange, so taking and putting
/// need no lock, a block is never handed out twice, and a trim on another thread takes every block exactly
/// once. Threads are given bins in turn and keep to theirs, so threads running at once rarely touch the
/// same cache line; a thread whose bin is empty takes from the others before going to the allocator,
/// which keeps the rent-here, return-there pattern of a pipe from missing every time.
/// </para>
/// <para>
/// The byte bound is structural: each size class gets an equal share of it, split across the bins; a class
/// whose share pays for two or more blocks per bin gives one of them to the threads' own slots (at most one
/// thread per bin has them), and a class whose share cannot hold one block per bin is not cached. So the
/// blocks kept never exceed the bound and the hot paths count nothing.
/// </para>
/// </remarks>
internal sealed class BlockCache
{
    /// <summary>The smallest class, 16 bytes: smaller rents round up to it.</summary>
    public const int MinShift = 4;

    /// <summary>The largest class considered, 1 MiB; larger rents go to the allocator at their exact size.</summary>
    public const int MaxShift = 20;

    /// <summary>The number of size classes.</summary>
    public const int ClassCount = MaxShift - MinShift + 1;
    private const int MaxSlotsPerBin = 8;

    // Eight addresses: a bin starts on its own 64-byte stride so processors do not share its line.
    private const int StrideUnit = 8;

    private static int s_nextBin;

    // The bin a thread uses in every cache, given out to threads in turn (plus one: 0 means none yet). Asking
    // for the current processor on every rent and return cost more than it saved in contention.
    [ThreadStatic]
    private static int t_binPlusOne;

    // The slots of one cache a thread owns: those of the first cache, still open, it returned a block to.
    [ThreadStatic]
    private static ThreadBlocks? t_blocks;

    // The main thread's slots in this cache, once it has them: found from the stack address alone, without the
    // thread-static read, which on Linux is a call (see MainThreadStack). Written and read by the main thread only.
    private ThreadBlocks? _mainThreadBlocks;

    // Other threads' slots in this cache, found by the page of their stack once bound (see StackBoundCache).
    private StackCacheSlots _stackSlots;

    private readonly IAllocator _allocator;
    private readonly bool _threadSafeAllocator;
    private readonly int _binMask;
    private readonly SizeClass[] _classes = new SizeClass[ClassCount];
    private readonly BlockClass[] _blockClasses = new BlockClass[ClassCount];

    // Bit c set: threads keep one block of class c in slots of their own. A mask rather than a field of each
    // SizeClass, so the hot paths test it without loading the class.
    private readonly uint _threadSlotClasses;
    private readonly object _gate = new();
    private readonly List<ThreadBlocks> _threads = [];
    private volatile int _threadCount;
    private volatile bool _closed;
    private volatile bool _trimRequested;

    public BlockCache(IAllocator allocator, long maxBytes)
    {
        _allocator = allocator;
        _threadSafeAllocator = allocator is AllocatorBase { IsThreadSafe: true };
        int bins = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount, 1, 16));
        _binMask = bins - 1;
        long share = maxBytes / ClassCount;
        for (int c = 0; c < ClassCount; c++)
        {
            _blockClasses[c] = new BlockClass(this, c);
            // Blocks of this class per bin the share pays for; with two or more, one of them is instead a slot
            // of each of up to as many threads as there are bins.
            long perBin = share / bins / SizeOf(c);
            if (perBin == 0)
                continue;
            bool threadSlot = perBin >= 2;
            int slots = (int)Math.Min(threadSlot ? perBin - 1 : perBin, MaxSlotsPerBin);
            int stride = (slots + StrideUnit - 1) / StrideUnit * StrideUnit;
            _classes[c] = new SizeClass(new nint[stride * bins], slots, stride);
            if (threadSlot)
                _threadSlotClasses |= 1u << c;
            // Each class's share pays for fewer blocks than the one below it, so the cached classes run from
            // the smallest up to this one.
            LargestSize = SizeOf(c);
        }
    }

    /// <summary>The allocator the blocks come from and go back to.</summary>
    public IAllocator Allocator => _allocator;

    /// <summary>The block size of the largest class kept; 0 when none is. Every size class up to it is kept.</summary>
    public int LargestSize { get; }

    /// <summary>The size class of a rent of <paramref name="size"/> bytes, from 1 to <see cref="LargestSize"/>.</summary>
    public static int ClassOf(int size) => Math.Max(BitOperations.Log2((uint)size - 1) + 1 - MinShift, 0);

    /// <summary>Class <paramref name="sizeClass"/> as its blocks' owners see it.</summary>
    public BlockClass ClassAt(int sizeClass) => _blockClasses[sizeClass];

    /// <summary>The block size of class <paramref name="sizeClass"/>.</summary>
    public static int SizeOf(int sizeClass) => 1 << (sizeClass + MinShift);

    /// <summary>A kept block of the class, or 0 when there is none.</summary>
    public nint TryTake(int sizeClass)
    {
        if (_trimRequested)
            TrimNow();
        if ((_threadSlotClasses & (1u << sizeClass)) != 0 && EnterOwnBlocks() is { } own)
        {
            nint mine = own.TryTake(sizeClass);
            own.Leave();
            if (mine != 0)
                return mine;
        }
        return TakeFromBins(sizeClass);
    }

    /// <summary>Keeps a freed block of a size class; false when it was not kept and the caller must free it.</summary>
    public bool TryKeep(int sizeClass, nint block)
    {
        if (_closed)
            return false;
        if ((_threadSlotClasses & (1u << sizeClass)) != 0)
        {
            if ((EnterOwnBlocks() ?? JoinAndEnter()) is { } own)
            {
                bool kept = own.TryKeep(sizeClass, block);
                own.Leave();
                if (kept)
                    return true;
            }
        }
        return KeepInBin(sizeClass, block);
    }

    // Out of line: the thread's own slot serves a rent and return on one thread, and these loops would only
    // make the callers' frames bigger.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private nint TakeFromBins(int sizeClass)
    {
        SizeClass sc = _classes[sizeClass];
        nint[] slots = sc.Slots!;
        int home = HomeBin() & _binMask;
        for (int b = 0; b <= _binMask; b++)
        {
            int start = ((home + b) & _binMask) * sc.Stride;
            for (int i = start; i < start + sc.Count; i++)
            {
                // A plain read first: an exchange on an empty slot would only dirty the line.
                if (Volatile.Read(ref slots[i]) != 0)
                {
                    nint block = Interlocked.Exchange(ref slots[i], 0);
                    if (block != 0)
                        return block;
                }
            }
        }
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool KeepInBin(int sizeClass, nint block)
    {
        SizeClass sc = _classes[sizeClass];
        nint[] slots = sc.Slots!;
        int start = (HomeBin() & _binMask) * sc.Stride;
        for (int i = start; i < start + sc.Count; i++)
        {
            if (Volatile.Read(ref slots[i]) == 0 && Interlocked.CompareExchange(ref slots[i], block, 0) == 0)
            {
                // A close that drained the slots before the block landed would never see it: take it back,
                // unless the drain already did (then the drain freed it).
                if (_closed)
                    return Interlocked.CompareExchange(ref slots[i], 0, block) != block;
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Gives this thread slots of its own in this cache, entered (the caller leaves them), when it has none in another
    /// open cache and fewer threads than bins have them (the byte bound counts one slot per bin); null otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ThreadBlocks? JoinAndEnter()
    {
        // Read without the lock first: a thread refused here asks again on every return, so the count, which refuses
        // most of them once the cache is full, comes before the thread-static read.
        if (_threadCount > _binMask || (t_blocks is { } current && !current.Cache._closed))
            return null;
        lock (_gate)
        {
            if (_closed || _threads.Count > _binMask)
                return null;
            var own = new ThreadBlocks(this);
            _threads.Add(own);
            _threadCount = _threads.Count;
            t_blocks = own;
            if (MainThreadStack.IsCurrent())
                _mainThreadBlocks = own;
            own.EnterAsOwner();
            return own;
        }
    }

    /// <summary>
    /// The calling thread's slots in this cache, entered (the caller calls <see cref="StackBoundCache.Leave"/>), or null
    /// when it has none here: the main thread's by field, another thread's by its stack page, else the thread-static way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ThreadBlocks? EnterOwnBlocks()
    {
        if (MainThreadStack.IsCurrent() && _mainThreadBlocks is { } main)
        {
            main.EnterAsOwner();
            return main;
        }
        nuint page = StackBoundCache.CurrentPage();
        if (_stackSlots.TryEnter(page) is { } bound)
            return Unsafe.As<ThreadBlocks>(bound);
        return EnterByThreadStatic(page);
    }

    // The thread-static way, which also binds the thread's slots to its stack page for the next calls.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ThreadBlocks? EnterByThreadStatic(nuint page)
    {
        if (t_blocks is not { } own || own.Cache != this)
            return null;
        own.EnterAsOwner();
        _stackSlots.Keep(own, page);
        return own;
    }

    private static int HomeBin()
    {
        int bin = t_binPlusOne - 1;
        if (bin < 0)
        {
            bin = Interlocked.Increment(ref s_nextBin) & 0xFFFF;
            t_binPlusOne = bin + 1;
        }
        return bin;
    }

    /// <summary>Whether the main thread's slots, found by stack address, are the calling thread's own (for tests).</summary>
    internal bool MainThreadSlotsAreCallers => _mainThreadBlocks is { } main && main == t_blocks;

    /// <summary>The stack slot the calling thread's slots in this cache hold, or -1 (for tests).</summary>
    internal int CallersStackSlot => t_blocks is { } own && own.Cache == this ? _stackSlots.SlotHeldBy(own) : -1;

    /// <summary>
    /// Whether the calling thread, looking for its slots as a rent does, enters slots another thread owns: an exited
    /// thread's whose stack it runs on (for tests).
    /// </summary>
    internal bool EntersAnotherThreadsSlots
    {
        get
        {
            ThreadBlocks? own = EnterOwnBlocks();
            own?.Leave();
            return own is not null && own.Owner != Thread.CurrentThread;
        }
    }

    /// <summary>The bytes kept now.</summary>
    public long CachedBytes
    {
        get
        {
            long bytes = 0;
            for (int c = 0; c < ClassCount; c++)
            {
                if (_classes[c].Slots is not { } slots)
                    continue;
                foreach (nint block in slots)
                {
                    if (block != 0)
                        bytes += SizeOf(c);
                }
            }
            lock (_gate)
            {
                foreach (ThreadBlocks own in _threads)
                    bytes += own.Bytes;
            }
            return bytes;
        }
    }

    /// <summary>
    /// Gives the kept blocks back to the allocator now when it may be called from any thread, else on the
    /// pool's next rent (the allocator may be in use on another thread).
    /// </summary>
    public void RequestTrim()
    {
        if (_threadSafeAllocator)
            TrimNow();
        else
            _trimRequested = true;
    }

    /// <summary>Gives every kept block back to the allocator.</summary>
    public void TrimNow()
    {
        _trimRequested = false;
        lock (_gate)
        {
            if (_threads.Count > 0)
            {
                bool closed = _closed;
                // An ended thread's slots would hold blocks no one can rent and keep a living thread from having slots.
                // Decided once: an owner that ends during the trim is taken at the next.
                List<ThreadBlocks> ended = closed ? _threads : _threads.FindAll(own => !own.Owner.IsAlive);
                foreach (ThreadBlocks own in _threads)
                    own.Revoke();
                // A thread on an ended owner's stack may be inside its slots: after the barrier it can no longer find
                // them by address, and the wait in Empty covers one that already did.
                foreach (ThreadBlocks own in ended)
                    own.MakeUnreachable(ref _stackSlots);
                Interlocked.MemoryBarrierProcessWide();
                foreach (ThreadBlocks own in _threads)
                    own.Empty((c, block) => _allocator.DeAllocate(block, SizeOf(c)), forGood: closed || ended.Contains(own));
                if (closed)
                    _threads.Clear();
                else
                    _threads.RemoveAll(ended.Contains);
                _threadCount = _threads.Count;
            }
        }
        for (int c = 0; c < ClassCount; c++)
        {
            if (_classes[c].Slots is not { } slots)
                continue;
            for (int i = 0; i < slots.Length; i++)
            {
                nint block = Interlocked.Exchange(ref slots[i], 0);
                if (block != 0)
                    _allocator.DeAllocate(block, SizeOf(c));
            }
        }
    }

    /// <summary>Keeps nothing from now on and gives back what was kept; on the pool's thread (its dispose).</summary>
    public void Close()
    {
        _closed = true;
        TrimNow();
    }

    /// <summary>
    /// Keeps nothing from now on, for a pool the garbage collector took: its blocks go back when the allocator
    /// may be called from this thread; otherwise no thread of the pool is left to do it, and they stay with
    /// the allocator until it is disposed (its leak report names them with the pool's call site).
    /// </summary>
    public void Abandon()
    {
        _closed = true;
        if (_threadSafeAllocator)
            TrimNow();
    }

    /// <summary>One size class: its slots, bin after bin, with the slots used per bin and the distance between bins.</summary>
    private readonly record struct SizeClass(nint[]? Slots, int Count, int Stride);
}
