using Memory.Schemas.Hpha;

namespace Memory.Schemas;

/// <summary>
/// How an <see cref="HphaSchema"/> divides its memory. The defaults suit general use; change them to trade
/// memory held against trips to the OS.
/// </summary>
public sealed record HphaOptions
{
    /// <summary>The defaults: 16 KiB pages, 1 MiB chunks, big blocks above 256 KiB, one empty page kept per bucket, empty chunks kept for a second, up to 1 GiB of freed big blocks kept, thread caches of up to 16 KiB per size.</summary>
    public static HphaOptions Default => s_default ?? LazyInitializer.EnsureInitialized(ref s_default, static () => new());

    // Created on first use, not in the type initialiser (rule MEM0003).
    private static HphaOptions? s_default;

    /// <summary>
    /// Bytes of one small-block page, a power of two from 4 KiB to 1 MiB. Larger pages mean fewer trips to the
    /// tree heap; smaller ones less memory held by sizes that are rarely used (every bucket in use holds at
    /// least one page). Default 16 KiB.
    /// </summary>
    public int PageSize { get; init; } = 16 * 1024;

    /// <summary>
    /// Bytes of one chunk taken from the OS for the tree heap and the pages, a power of two from 4 to 256 pages.
    /// Default 1 MiB.
    /// </summary>
    public int ChunkSize { get; init; } = 1024 * 1024;

    /// <summary>
    /// Requests above this many bytes are big blocks, each its own region from the OS (kept for reuse when freed, see <see cref="BigBlockCacheSize"/>).
    /// At least 2 KiB (above the small blocks and the thread caches' tree classes) and at most a quarter of
    /// <see cref="ChunkSize"/>, so that a chunk always holds several of
    /// the largest tree blocks. Default 256 KiB: above that the cost of the OS call is small beside the cost of
    /// using the memory, and keeping such blocks out of the chunks keeps a few large blocks from pinning them.
    /// </summary>
    public int BigBlockThreshold { get; init; } = 256 * 1024;

    /// <summary>
    /// Empty pages each small-block bucket keeps for reuse; further pages that empty go back to the tree heap
    /// at once, where any size can use them. All are returned by garbage collection. Default 1.
    /// </summary>
    public int EmptyPagesKeptPerBucket { get; init; } = 1;

    /// <summary>
    /// How long a chunk that no longer holds any block is kept for reuse before it goes back to the OS. A program that
    /// frees a peak's worth of memory gets it back to the OS without calling <c>GarbageCollect</c>, while one that frees
    /// and allocates again within this time, as a frame or a level load does, reuses its chunks without a trip to the
    /// OS. The heap looks for chunks that are due as it works (every few hundred calls that reach the chunks, while one
    /// is empty), so a heap nobody calls keeps them until it is used again or garbage collected. Freed tree blocks held
    /// back for quick reuse of their size are merged into their chunks once per this time, so that they cannot keep a
    /// chunk from emptying. <see cref="TimeSpan.Zero"/> returns a chunk as soon as it empties (and holds no freed
    /// blocks); <see cref="Timeout.InfiniteTimeSpan"/> keeps every chunk until garbage collection. Default 1 second.
    /// A double free is recognised only while the block's chunk is held: freeing a block whose chunk has gone back to
    /// the OS reads unmapped memory, as it would after <c>GarbageCollect</c>.
    /// </summary>
    public TimeSpan EmptyChunkRetention { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Bytes of freed big blocks kept for the next big request they fit, rather than returned to the OS at
    /// once. Keeping never makes the heap hold more than it did at its peak since the last garbage collection
    /// (a request no kept block fits first returns kept blocks to the OS), and garbage collection returns them
    /// all; this ceiling bounds what a burst of big blocks leaves held in between. 0 returns every big block
    /// to the OS when freed. Default 1 GiB.
    /// </summary>
    public long BigBlockCacheSize { get; init; } = 1024L * 1024 * 1024;

    /// <summary>
    /// Bytes of free small blocks of one size that each thread may keep for itself, in front of the shared buckets
    /// (see <see cref="HphaSchema"/>). A thread allocates from and frees into its cache without taking a lock, and
    /// moves half a list at a time to and from the bucket. A list starts at a quarter of this bound and doubles its
    /// bound each time it has to go to the bucket, up to this: sizes a thread keeps cycling through get long lists and
    /// rare trips to the bucket's lock, sizes it uses now and then hold little. With caches, small requests are served by
    /// 20 size classes (see <see cref="HphaSchema"/>). The bound is per class and per thread; blocks above 256 bytes count
    /// as 256 against it, so every list may hold as many blocks as a 256-byte one (64 at the default). Tree blocks of
    /// 1025 B to 1.5 KiB are cached by classes 64 bytes apart, each bound at four sizes' worth. A thread using every size
    /// holds at most about 64 times this much (32 in small blocks, 32 in tree blocks: 1 MiB at the default); what it
    /// holds is returned, and its lists taken back to their starting bounds, when it exits, when the next thread starts
    /// after it has, and on garbage collection. 0 disables the caches. At most 64 KiB; default 16 KiB.
    /// </summary>
    public int ThreadCacheBytesPerSize { get; init; } = 16 * 1024;

    /// <summary>The largest <see cref="ThreadCacheBytesPerSize"/>.</summary>
    public const int MaxThreadCacheBytesPerSize = 64 * 1024;

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message says which and why.</exception>
    public void Validate()
    {
        if (PageSize < 4096 || PageSize > 1024 * 1024 || (PageSize & (PageSize - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, "The page size must be a power of two from 4 KiB to 1 MiB.");
        if ((ChunkSize & (ChunkSize - 1)) != 0 || ChunkSize < 4L * PageSize || ChunkSize > (long)RegionHeader.MaxPages * PageSize)
            throw new ArgumentOutOfRangeException(nameof(ChunkSize), ChunkSize,
                $"The chunk size must be a power of two from 4 to {RegionHeader.MaxPages} pages ({4L * PageSize} to {(long)RegionHeader.MaxPages * PageSize} bytes for pages of {PageSize}).");
        if (BigBlockThreshold < 2048 || BigBlockThreshold > ChunkSize / 4)
            throw new ArgumentOutOfRangeException(nameof(BigBlockThreshold), BigBlockThreshold,
                $"The big block threshold must be from 2 KiB to a quarter of the chunk size ({ChunkSize / 4} bytes).");
        if (EmptyChunkRetention < TimeSpan.Zero && EmptyChunkRetention != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(EmptyChunkRetention), EmptyChunkRetention,
                "The empty chunk retention must be zero or more, or Timeout.InfiniteTimeSpan to keep chunks until garbage collection.");
        if (BigBlockCacheSize < 0)
            throw new ArgumentOutOfRangeException(nameof(BigBlockCacheSize), BigBlockCacheSize, "The big block cache size must not be negative.");
        if (EmptyPagesKeptPerBucket < 0)
            throw new ArgumentOutOfRangeException(nameof(EmptyPagesKeptPerBucket), EmptyPagesKeptPerBucket, "The number of empty pages kept must not be negative.");
        if (ThreadCacheBytesPerSize < 0 || ThreadCacheBytesPerSize > MaxThreadCacheBytesPerSize)
            throw new ArgumentOutOfRangeException(nameof(ThreadCacheBytesPerSize), ThreadCacheBytesPerSize,
                $"The thread cache bytes per size must be from 0 (no caches) to {MaxThreadCacheBytesPerSize}.");
    }
}
