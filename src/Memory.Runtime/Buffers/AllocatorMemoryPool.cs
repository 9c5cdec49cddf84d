using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Memory.Containers;
using Memory.Tracking;

namespace Memory.Buffers;

/// <summary>
/// A <see cref="MemoryPool{T}"/> of bytes whose buffers are native blocks from a chosen allocator, so that
/// <c>System.IO.Pipelines</c>, sockets and any other <see cref="MemoryPool{T}"/> user run on our memory,
/// counted and tracked by that allocator.
/// </summary>
/// <remarks>
/// <para>
/// Renting is meant to cost what renting from <see cref="MemoryPool{T}.Shared"/> costs, so the pool keeps
/// returned blocks for reuse. A rent up to 1 MiB gets a block of the next power of two (at least 16 bytes)
/// and its <see cref="IMemoryOwner{T}.Memory"/> spans the whole block, as an array from
/// <see cref="ArrayPool{T}.Shared"/> may be longer than asked. A rent of 0, or above the largest size class
/// kept, allocates exactly the size asked and returns it to the allocator on dispose.
/// </para>
/// <para>
/// The blocks kept are still allocated as far as the allocator knows: its
/// <see cref="IAllocator.NumAllocatedBytes"/> is the bytes rented and not yet returned plus
/// <see cref="CachedBytes"/>. They are bounded by <see cref="MaxCachedBytes"/>, given back by
/// <see cref="AllocatorManager.GarbageCollect"/> (and before an out-of-memory retry), and by disposing the
/// pool. A <c>maxCachedBytes</c> of 0 keeps nothing: every rent is then one block of exactly the size asked,
/// and the allocator's count is exactly the bytes rented.
/// </para>
/// <para>
/// While the allocator records blocks (<see cref="TrackingMode.Records"/> and above, which checked
/// mode and overrun detection imply), rents bypass the cache: each is a fresh block of the exact size with
/// the pool's name and call site, freed on dispose, so leak reports list exactly the buffers still rented
/// and checked mode sees every free. Blocks kept from before recording began stay kept until trimmed.
/// </para>
/// <para>
/// Each rent makes a fresh owner. Disposing an owner twice is a no-op, except under an allocator in
/// checked mode, where it throws <see cref="ObjectDisposedException"/>. After an owner is disposed its
/// <see cref="Memory{T}"/> throws <see cref="ObjectDisposedException"/> when used, even when its block
/// was rented again since. The pool is as thread-safe as its allocator: a <c>System.IO.Pipelines.Pipe</c>
/// rents on the writer's thread and returns on the reader's, so give it a thread-safe allocator. The cache
/// itself takes no lock: a few threads keep one block per size class in slots of their own, the rest sits in
/// per-processor bins. With an allocator that is not thread-safe, a garbage collection requested from
/// another thread trims the cache at the pool's next rent instead.
/// </para>
/// <para>
/// Disposing the pool stops further rents and gives the kept blocks back; blocks already rented stay valid
/// until their owners are disposed, and then go straight back to the allocator.
/// </para>
/// </remarks>
public sealed class AllocatorMemoryPool : MemoryPool<byte>
{
    /// <summary>The default of <see cref="MaxCachedBytes"/>: 16 MiB.</summary>
    public const long DefaultMaxCachedBytes = 16L << 20;

    private readonly IAllocator _allocator;
    private readonly AllocationRecords _records;
    private readonly BlockCache? _cache;

    // The largest rent the cache serves: its largest class, or the pool's largest buffer if smaller; 0 without a cache.
    private readonly int _cachedSizeLimit;
    private readonly string _name;
    private readonly string? _file;
    private readonly int _line;
    private volatile bool _disposed;

    /// <summary>Creates a pool over <paramref name="allocator"/>.</summary>
    /// <param name="allocator">Where the buffers come from; the process-wide system allocator when null.</param>
    /// <param name="defaultBufferSize">The size of a buffer rented with -1; at least 1.</param>
    /// <param name="maxBufferSize">The largest buffer <see cref="Rent"/> hands out; at least <paramref name="defaultBufferSize"/>.</param>
    /// <param name="name">A label for the pool's allocations in tracking reports.</param>
    /// <param name="maxCachedBytes">The most bytes of returned blocks the pool keeps for reuse; 0 keeps none.</param>
    /// <param name="file">The calling file, filled in by the compiler; recorded with each rented block.</param>
    /// <param name="line">The calling line, filled in by the compiler.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public AllocatorMemoryPool(IAllocator? allocator = null, int defaultBufferSize = 4096, int maxBufferSize = int.MaxValue,
        string? name = null, long maxCachedBytes = DefaultMaxCachedBytes, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(defaultBufferSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBufferSize, defaultBufferSize);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCachedBytes);
        _allocator = allocator ?? DefaultAllocator.Instance;
        _records = _allocator.Records;
        DefaultBufferSize = defaultBufferSize;
        MaxBufferSize = maxBufferSize;
        MaxCachedBytes = maxCachedBytes;
        _name = name ?? nameof(AllocatorMemoryPool);
        _file = file;
        _line = line;
        if (maxCachedBytes > 0)
        {
            _cache = new BlockCache(_allocator, maxCachedBytes);
            _cachedSizeLimit = Math.Min(_cache.LargestSize, maxBufferSize);
            BlockCaches.Add(this, _cache);
        }
    }

    /// <summary>The allocator the buffers come from.</summary>
    public IAllocator Allocator => _allocator;

    /// <summary>The size of a buffer rented with a <c>minBufferSize</c> of -1.</summary>
    public int DefaultBufferSize { get; }

    /// <inheritdoc/>
    public override int MaxBufferSize { get; }

    /// <summary>The most bytes of returned blocks the pool keeps; 0 when it keeps none.</summary>
    public long MaxCachedBytes { get; }

    /// <summary>
    /// The bytes of returned blocks the pool keeps now: still allocated as far as the allocator knows, so part
    /// of its <see cref="IAllocator.NumAllocatedBytes"/>, but rented by no one.
    /// </summary>
    public long CachedBytes => _cache?.CachedBytes ?? 0;

    /// <summary>Whether the main thread's slots in the cache, found by stack address, are the calling thread's own (for tests).</summary>
    internal bool MainThreadSlotsAreCallers => _cache?.MainThreadSlotsAreCallers ?? false;

    /// <summary>The stack slot the calling thread's slots in the cache hold, or -1 (for tests).</summary>
    internal int CallersStackSlot => _cache?.CallersStackSlot ?? -1;

    /// <summary>Whether a rent from here would use slots of another thread, an exited one whose stack the caller runs on (for tests).</summary>
    internal bool EntersAnotherThreadsSlots => _cache?.EntersAnotherThreadsSlots ?? false;

    /// <summary>
    /// Rents a native buffer of at least <paramref name="minBufferSize"/> bytes: the whole block of its size
    /// class when the size is cached, else exactly the size asked.
    /// </summary>
    /// <param name="minBufferSize">The size, or -1 for <see cref="DefaultBufferSize"/>.</param>
    /// <returns>The owner of the buffer; dispose it to return the buffer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The size is below -1 or above <see cref="MaxBufferSize"/>.</exception>
    /// <exception cref="ObjectDisposedException">The pool is disposed.</exception>
    /// <exception cref="OutOfMemoryException">The allocator cannot provide the buffer.</exception>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return ServesFromCache(minBufferSize) ? RentCached(minBufferSize) : RentOther(minBufferSize);
    }

    // One comparison leaves out -1, 0, the sizes no class keeps and a pool without a cache; while the allocator
    // records, rents bypass the cache so that leak reports list exactly the buffers rented.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool ServesFromCache(int minBufferSize)
        => (uint)(minBufferSize - 1) < (uint)_cachedSizeLimit && _records.Mode < TrackingMode.Records;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private AllocatorMemoryOwner RentCached(int minBufferSize)
    {
        BlockCache cache = _cache!;
        BlockClass blockClass = cache.ClassAt(BlockCache.ClassOf(minBufferSize));
        nint block = cache.TryTake(blockClass.Index);
        if (block == 0)
            block = Allocate(blockClass.Size);
        return new CachedBlockOwner(blockClass, block);
    }

    private AllocatorMemoryOwner RentOther(int minBufferSize)
    {
        if (minBufferSize == -1)
            minBufferSize = DefaultBufferSize;
        else if ((uint)minBufferSize > (uint)MaxBufferSize)
            ThrowSizeOutOfRange(minBufferSize);
        if (ServesFromCache(minBufferSize))
            return RentCached(minBufferSize);
        return new ExactBlockOwner(_allocator, Allocate(minBufferSize), minBufferSize);
    }

    /// <summary>Stops further rents and gives the kept blocks back. Buffers already rented stay valid until their owners are disposed.</summary>
    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        if (_cache is { } cache)
        {
            BlockCaches.Remove(cache);
            cache.Close();
        }
    }

    [DoesNotReturn]
    private void ThrowSizeOutOfRange(int minBufferSize)
        => throw new ArgumentOutOfRangeException(nameof(minBufferSize), minBufferSize, $"The size must be -1 or in [0, {MaxBufferSize}].");

    private nint Allocate(int size)
    {
        nint pointer = _allocator.Allocate(size, alignment: 0, _name, _file, _line);
        if (pointer == 0)
            throw new OutOfMemoryException($"{_allocator.Name} could not provide a buffer of {size} bytes.");
        return pointer;
    }
}
