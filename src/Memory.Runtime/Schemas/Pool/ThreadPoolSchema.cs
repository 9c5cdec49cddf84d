using System.Runtime.CompilerServices;
using Memory.Diagnostics;
using Memory.Internal;
using Memory.Schemas.Pool;

namespace Memory.Schemas;

/// <summary>
/// O3DE's <c>ThreadPoolSchema</c>: a <see cref="PoolSchema"/> per thread, so allocation and same-thread frees take
/// no lock and no interlocked instruction. Thread-safe.
/// </summary>
/// <remarks>
/// <para>
/// Sizes, classes and alignment follow <see cref="PoolSchema"/>. Each schema instance owns its per-thread pools; a
/// thread finds its pool by the page of its stack, else through a thread-static table keyed by the instance (see
/// <see cref="ThreadPoolSet"/>).
/// </para>
/// <para>
/// Every page belongs to one thread's pool. A block freed by another thread is pushed on a lock-free stack of the
/// owning pool, which its thread drains when a size class runs out of free blocks (or needs a new page). Byte counts
/// stay exact under any mix of threads: each pool counts what its thread allocates and frees, and the stack counts
/// what other threads free into it, so <see cref="NumAllocatedBytes"/> (the sum over the pools) never drifts.
/// </para>
/// <para>
/// When a thread exits, its pool is orphaned: blocks in it stay valid and may be freed from any thread. The pool is
/// handed to the next thread that starts using the schema, or, on <see cref="GarbageCollect"/>, drained and its
/// free pages released, the pool itself going once nothing in it is live. Exited threads are noticed at the next
/// garbage collection of the schema (or of the runtime, through a finalizer).
/// </para>
/// <para>
/// <see cref="GarbageCollect"/> trims the calling thread's pool and the orphans at once; other live threads trim
/// their own the next time they need a page, since only a pool's thread may touch its pages.
/// </para>
/// <para>Create it with a constructor: a <c>default</c> instance has no pools and must not be used.</para>
/// </remarks>
public unsafe struct ThreadPoolSchema : IAllocationSchema
{
    private readonly ThreadPoolSet _pools;
    private readonly nint _pageMask;

    /// <summary>Per-thread pools with the default options (4 KiB pages, blocks of 8 to 512 bytes).</summary>
    public ThreadPoolSchema()
        : this(PoolSchemaOptions.Default)
    {
    }

    /// <summary>Per-thread pools shaped by <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">The options break a rule of <see cref="PoolSchemaOptions"/>.</exception>
    public ThreadPoolSchema(PoolSchemaOptions options)
    {
        _pools = new ThreadPoolSet(options);
        _pageMask = _pools.Layout.PageMask;
    }

    /// <inheritdoc/>
    public static bool IsThreadSafe => true;

    /// <inheritdoc/>
    /// <remarks>
    /// Each thread's pool counts on its own path already, so the allocator's counters cost nothing here. The peak is
    /// never below a total read, and above the true one by at most the frees the pools have not published yet, fewer
    /// than 256 blocks each (see <see cref="ThreadPoolSet.Counts"/>).
    /// </remarks>
    public static bool KeepsCounts => true;

    /// <inheritdoc/>
    public readonly SchemaCounts Counts => _pools.Counts;

    /// <inheritdoc/>
    public readonly void ResetPeak() => _pools.ResetPeak();

    /// <summary>The options every per-thread pool was made with.</summary>
    public readonly PoolSchemaOptions Options => _pools.Options;

    /// <inheritdoc/>
    public readonly long NumAllocatedBytes => _pools.LiveBytes;

    /// <inheritdoc/>
    public readonly long ReservedBytes => _pools.ReservedBytes;

    /// <inheritdoc/>
    public readonly long Capacity => long.MaxValue;

    /// <summary>Pools whose thread has exited and that no thread has taken over yet.</summary>
    internal readonly int OrphanedPoolCount => _pools.OrphanCount;

    /// <summary>Whether the main thread's pool, found by stack address, is the calling thread's own (for tests).</summary>
    internal readonly bool MainThreadPoolIsCallers => _pools.MainThreadPool != null && _pools.MainThreadPool == ThreadHeapTable.Find(_pools.Id)?.Heap;

    /// <summary>The stack slot the calling thread's pool holds in the table, or -1 (for tests).</summary>
    internal readonly int CallersStackSlot => _pools.StackSlots.SlotHeldBy(ThreadHeapTable.Find(_pools.Id));

    /// <summary>
    /// Whether the pool a call from here would use is another thread's, found by stack address (an exited thread whose
    /// stack the caller reuses; see <see cref="StackBoundCache"/>) (for tests).
    /// </summary>
    internal readonly bool EntersAnotherThreadsPool
    {
        get
        {
            PoolHeap* current = EnterCurrentHeap(attach: true, out ThreadHeap? entered);
            entered?.Leave();
            return current != ThreadHeapTable.Find(_pools.Id)?.Heap;
        }
    }

    /// <summary>The calling thread's pool object in this schema, or null (for tests of what a thread keeps).</summary>
    internal readonly object? CallersPool => ThreadHeapTable.Find(_pools.Id);

    /// <summary>Whether the calling thread's pool is marked as entered by address (for tests: no call leaves it so).</summary>
    internal readonly bool CallersPoolIsBusy => ThreadHeapTable.Find(_pools.Id)?.IsBusy ?? false;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly nint Allocate(nint size, nint alignment)
    {
        PoolHeap* heap = EnterCurrentHeap(attach: true, out ThreadHeap? entered);
        nint block = PoolHeap.Allocate(heap, size, alignment);
        if (ThreadPoolSet.IsPublishTurn(heap->Allocations))
            _pools.Publish(heap);
        entered?.Leave();
        return block;
    }

    /// <inheritdoc/>
    /// <remarks>Only sizes and alignments that fit a size class (or a page of its own) can ever be served.</remarks>
    public readonly bool CanEverServe(nint size, nint alignment) => _pools.Layout.TryPlace(size, alignment, out _, out _);

    /// <inheritdoc/>
    public readonly void Attach(AllocatorBase allocator) => _pools.OwnerName = allocator.Name;

    /// <inheritdoc/>
    /// <exception cref="AllocatorMisuseException">
    /// The block is free already (<see cref="Diagnostics.MisuseKind.DoubleFree"/>); nothing changed. Caught when the
    /// block is on its page's free list; a block freed by another thread and not yet drained by its pool's thread
    /// sits on the pool's cross-thread stack, which is caught only as the latest block pushed there.
    /// </exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void DeAllocate(nint pointer, nint size, nint alignment)
    {
        // The caller's pool first, the block's page after: the way to the pool may call (the thread-static way), and
        // values read before a call would be kept on the stack on every free.
        PoolHeap* current = EnterCurrentHeap(attach: false, out ThreadHeap? entered);
        PageHeader* page = PageHeader.Of(pointer, _pageMask);
        PoolHeap* owner = page->Owner;
        // Compared with the pool the caller finds as its own, never with a pool remembered from an earlier call: once a
        // schema is gone, its pools' memory may be reused for another thread's pool, which a stale entry would match.
        if (owner == current)
        {
            if (FreedBlockKey.Enabled && FreedBlockKey.LooksFreedInPage(pointer, owner->Key, _pageMask, page->BlockSize) && PoolHeap.HoldsFree(owner, page, pointer))
            {
                entered?.Leave();
                FreedBlockKey.ThrowDoubleFree(_pools.OwnerName, pointer);
            }
            PoolHeap.DeAllocate(owner, page, pointer);
            if (ThreadPoolSet.IsPublishTurn(owner->Frees))
                _pools.Publish(owner);
            entered?.Leave();
        }
        else
        {
            entered?.Leave();
            // Another thread's lists cannot be walked from here, so a block that looks freed is refused unconfirmed: a
            // live block's link and key are cleared when it is handed out, so only the program can have made it look so.
            if (FreedBlockKey.Enabled && (FreedBlockKey.LooksFreedInPage(pointer, owner->Key, _pageMask, page->BlockSize) || owner->Remote->IsLatest(pointer)))
                FreedBlockKey.ThrowDoubleFree(_pools.OwnerName, pointer);
            // Counted before the push: once pushed, the block may be drained and its pool released.
            _pools.RemoteFreed(page->BlockSize);
            owner->Remote->Push(pointer, page->BlockSize);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Stays in place when the block already has the size class and alignment asked for; otherwise the new block
    /// comes from the calling thread's pool and the old one is freed as any other free (to its owner if another thread's).
    /// </remarks>
    public readonly nint ReAllocate(nint pointer, nint newSize, nint newAlignment)
    {
        PageHeader* page = PageHeader.Of(pointer, _pageMask);
        PoolHeap* current = EnterCurrentHeap(attach: true, out ThreadHeap? entered);
        if (FreedBlockKey.Enabled && FreedBlockKey.LooksFreedInPage(pointer, page->Owner->Key, _pageMask, page->BlockSize)
            && (page->Owner != current || PoolHeap.HoldsFree(page->Owner, page, pointer)))
        {
            entered?.Leave();
            FreedBlockKey.ThrowDoubleFree(_pools.OwnerName, pointer);
        }

        nint moved = 0;
        if (_pools.Layout.TryPlace(newSize, newAlignment, out int classIndex, out int blockSize))
        {
            if (blockSize == page->BlockSize && PoolSchema.IsAligned(pointer, newAlignment))
            {
                entered?.Leave();
                return pointer;
            }
            moved = PoolHeap.AllocatePlaced(current, classIndex, blockSize);
            if (moved != 0 && ThreadPoolSet.IsPublishTurn(current->Allocations))
                _pools.Publish(current);
        }
        // Left before the free below, which enters the pool again: a mark is one call's, never nested.
        entered?.Leave();
        if (moved == 0)
            return 0;
        Buffer.MemoryCopy((void*)pointer, (void*)moved, blockSize, Math.Min(page->BlockSize, blockSize));
        DeAllocate(pointer, 0, 0);
        return moved;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly nint AllocationSize(nint pointer) => PageHeader.Of(pointer, _pageMask)->BlockSize;

    /// <inheritdoc/>
    public readonly void GarbageCollect() => _pools.GarbageCollect();

    /// <inheritdoc/>
    /// <remarks>
    /// The allocator is disposed, so no thread allocates any more, and a pool with nothing live receives no frees
    /// either: every such pool is trimmed now, whichever thread it belonged to, and the threads drop their pools from
    /// their tables the next time they add one (see <see cref="ThreadHeapTable"/>).
    /// </remarks>
    public readonly void Retire() => _pools.Retire();

    /// <summary>
    /// The calling thread's pool, for this call. A thread without a pool gets one (made or adopted) when
    /// <paramref name="attach"/> is set, else null: a thread that only frees needs none. Any thread but the main one gets
    /// the pool's object too (<paramref name="entered"/>), which it may have entered by its stack page: the caller calls
    /// <see cref="StackBoundCache.Leave"/> on it once done (see <see cref="StackBoundCache"/>).
    /// </summary>
    /// <remarks>
    /// The main thread's pool is found from the stack address alone, and so is another thread's, from the slot of its
    /// stack page, once it holds one: on Linux a thread-static read is a call (see <see cref="MainThreadStack"/>). The
    /// main thread's pool comes as the pointer alone and needs no leaving: holding the object through the call cost the
    /// main thread's allocate-free pair 1.5 ns (a register spilled and reloaded on each call).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly PoolHeap* EnterCurrentHeap(bool attach, out ThreadHeap? entered)
    {
        ThreadPoolSet pools = _pools;
        if (MainThreadStack.IsCurrent() && pools.MainThreadPool != null)
        {
            entered = null;
            return pools.MainThreadPool;
        }
        nuint page = StackBoundCache.CurrentPage();
        if (pools.StackSlots.TryEnter(page) is { } bound)
        {
            entered = Unsafe.As<ThreadHeap>(bound);
            return entered.Heap;
        }
        entered = EnterByThreadStatic(pools, page, attach);
        return entered is null ? null : entered.Heap;
    }

    // The thread-static way, which also binds the thread's pool to its stack page for the next calls.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ThreadHeap? EnterByThreadStatic(ThreadPoolSet pools, nuint page, bool attach)
    {
        ThreadHeap? heap = ThreadHeapTable.Find(pools.Id);
        if (heap is null)
        {
            if (!attach)
                return null;
            heap = pools.AttachCurrentThread();
        }
        pools.StackSlots.Keep(heap, page);
        return heap;
    }
}
