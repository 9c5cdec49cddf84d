using System.Runtime.CompilerServices;
using Memory.Internal;
using System.Runtime.InteropServices;

namespace Memory.Schemas;

/// <summary>
/// One thread's cache of free blocks of one <see cref="HeapSchema"/> (nedmalloc's thread cache): a short
/// list per size class, used without locks by its thread, refilled from and flushed to
/// <see cref="HeapCentral"/> in batches.
/// </summary>
/// <remarks>
/// A block freed by another thread simply joins that thread's cache: blocks are not owned by threads, only
/// by chunks. The cache also counts the usable bytes its thread allocated minus those it freed; only its
/// thread writes that count, so it costs no atomic instruction, and the heap's total is the sum over the
/// caches, exact whenever the threads are quiet. Only the owning thread touches the lists, except after
/// the thread has exited: then a thread that starts on its stack may go on with the cache in its place, until
/// <see cref="HeapThreadCaches"/> hands the cache back to the heap (see <see cref="StackBoundCache"/>).
/// </remarks>
internal sealed unsafe class HeapThreadCache : StackBoundCache, IThreadCache
{
    private readonly Bin[] _bins = BuildBins();
    private readonly nint _key;
    private long _allocatedBytes;
    private int _epoch;

    // The class's block size and cache limit sit beside its list, so the fast paths read one place.
    private struct Bin
    {
        public nint Head;
        public int Count;
        public int Limit;
        public nint Size;
    }

    public HeapThreadCache(HeapCentral heap)
    {
        Heap = heap;
        _key = heap.Key;
        _epoch = heap.Epoch;
    }

    /// <summary>The heap the cache draws from.</summary>
    public HeapCentral Heap { get; }

    /// <summary>The thread the cache belongs to (it is created on that thread).</summary>
    public Thread Owner { get; } = Thread.CurrentThread;

    /// <summary>Usable bytes this thread allocated minus those it freed (negative when it frees others' blocks).</summary>
    public long AllocatedBytes => Volatile.Read(ref _allocatedBytes);

    /// <summary>Blocks in the cache now.</summary>
    public int CachedBlocks
    {
        get
        {
            int total = 0;
            foreach (ref readonly Bin bin in _bins.AsSpan())
                total += bin.Count;
            return total;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public nint Allocate(int sizeClass)
    {
        if (_epoch != Heap.Epoch)
            FlushAll();

        ref Bin bin = ref BinAt(sizeClass);
        nint block = bin.Head;
        if (block == 0)
            return AllocateAfterRefill(sizeClass);
        bin.Head = HeapChunk.NextOf(block);
        HeapChunk.ClearKey(block);
        bin.Count--;
        Count(bin.Size);
        return block;
    }

    /// <summary>Frees a small block; false, changing nothing, when it is free already (its second word holds the heap's key).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Free(nint block, int sizeClass)
    {
        if (Diagnostics.FreedBlockKey.Enabled && Diagnostics.FreedBlockKey.HasKey(block, _key))
            return false;
        if (_epoch != Heap.Epoch)
            FlushAll();

        ref Bin bin = ref BinAt(sizeClass);
        HeapChunk.SetNext(block, bin.Head);
        HeapChunk.SetKey(block, _key);
        bin.Head = block;
        Count(-bin.Size);
        if (++bin.Count >= bin.Limit)
            Flush(ref bin, sizeClass, bin.Count / 2);
        return true;
    }

    public nint AllocateLarge(nint size, nint alignment)
    {
        nint block = Heap.AllocateLarge(size, alignment, out nint usable);
        if (block != 0)
            Count(usable);
        return block;
    }

    public void FreeLarge(nint block, HeapChunk* header)
    {
        Count(-header->LargeSize);
        Heap.FreeLarge(block, header);
    }

    /// <inheritdoc />
    public bool TryDetach() => TryDetach(ref Heap.StackSlots);

    /// <inheritdoc />
    public int HeapId => Heap.Id;

    /// <inheritdoc />
    public bool HeapIsRetired => Heap.IsRetired;

    /// <inheritdoc />
    public void ReturnToRetiredHeap() => Heap.ReturnFromOwner(this);

    /// <summary>Returns every cached block to the heap.</summary>
    public void FlushAll()
    {
        _epoch = Heap.Epoch;
        for (int sizeClass = 0; sizeClass < _bins.Length; sizeClass++)
        {
            ref Bin bin = ref _bins[sizeClass];
            if (bin.Count > 0)
                Flush(ref bin, sizeClass, bin.Count);
        }
    }

    // Only this thread writes the count; the volatile write keeps a 64-bit value whole for readers on 32-bit.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Count(nint bytes) => Volatile.Write(ref _allocatedBytes, _allocatedBytes + bytes);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private nint AllocateAfterRefill(int sizeClass)
    {
        ref Bin bin = ref BinAt(sizeClass);
        nint head = Heap.TakeBlocks(sizeClass, Math.Max(1, bin.Limit / 2), out int taken);
        if (taken == 0)
            return 0;

        bin.Head = HeapChunk.NextOf(head);
        HeapChunk.ClearKey(head);
        bin.Count = taken - 1;
        Count(bin.Size);
        return head;
    }

    // The size class is checked by the caller (HeapSizeClasses.For or a chunk header this heap wrote).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Bin BinAt(int sizeClass) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_bins), sizeClass);

    // Detaches the first count blocks of a bin and gives them to the heap.
    private void Flush(ref Bin bin, int sizeClass, int count)
    {
        nint first = bin.Head;
        nint last = first;
        for (int i = 1; i < count; i++)
            last = HeapChunk.NextOf(last);
        bin.Head = HeapChunk.NextOf(last);
        bin.Count -= count;
        HeapChunk.SetNext(last, 0);
        Heap.ReturnBlocks(sizeClass, first);
    }

    // Up to 32 KiB per class and at most 128 blocks, at least 8; batches move half a cache.
    private static Bin[] BuildBins()
    {
        var bins = new Bin[HeapSizeClasses.Count];
        for (int i = 0; i < bins.Length; i++)
        {
            bins[i].Size = HeapSizeClasses.SizeOf(i);
            bins[i].Limit = Math.Clamp(32 * 1024 / HeapSizeClasses.SizeOf(i), 8, 128);
        }
        return bins;
    }
}
