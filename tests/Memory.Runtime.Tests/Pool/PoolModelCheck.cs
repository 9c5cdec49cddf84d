using System.Collections.Concurrent;
using Memory.Schemas;

namespace Memory.Runtime.Tests.Pool;

/// <summary>
/// Random allocate / free / reallocate against a pool allocator, every step checked against a reference model
/// (<see cref="LiveBlocks"/>): the pointer, its alignment and usable size, contents kept by reallocation, no overlap,
/// and (single-threaded) the allocator's live byte count after every step.
/// </summary>
/// <remarks>
/// Run the allocator with tracking off so that <see cref="IAllocator.NumAllocatedBytes"/> is the schema's own count.
/// For the multi-threaded variant each thread runs its own model and hands some live blocks to other threads,
/// which verify, reallocate and free them: the cross-thread frees.
/// </remarks>
internal sealed class PoolModelCheck
{
    private readonly AllocatorBase _allocator;
    private readonly PoolSchemaOptions _options;
    private readonly Random _random;
    private readonly int _targetLive;
    private readonly long _idStride;
    private long _nextId;

    public PoolModelCheck(AllocatorBase allocator, PoolSchemaOptions options, int seed, int targetLive, long firstId = 1, long idStride = 1)
    {
        _allocator = allocator;
        _options = options;
        _random = new Random(seed);
        _targetLive = targetLive;
        _nextId = firstId;
        _idStride = idStride;
        // The largest block is a maximum-size one; blocks on a page of their own are no bigger.
        Live = new LiveBlocks(options.MaxAllocationSize);
    }

    public LiveBlocks Live { get; }

    /// <summary>Operations that were expected to fail and returned 0.</summary>
    public int Refusals { get; private set; }

    /// <summary>Runs <paramref name="operations"/> single-threaded steps, then frees everything.</summary>
    public static void Run(AllocatorBase allocator, PoolSchemaOptions options, int operations, int seed)
    {
        var check = new PoolModelCheck(allocator, options, seed, targetLive: 1000);
        for (int i = 0; i < operations; i++)
        {
            check.Step(outbox: null);
            if (allocator.NumAllocatedBytes != check.Live.UsableBytes)
                Assert.Fail($"step {i}: allocator counts {allocator.NumAllocatedBytes} live bytes, model {check.Live.UsableBytes}");
        }
        Assert.True(check.Refusals > 0, "the run never tried a request the pool must refuse");
        check.FreeAll();
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }

    /// <summary>
    /// Runs <paramref name="threads"/> threads of <paramref name="operationsPerThread"/> steps each, handing blocks
    /// between threads; then each frees what it holds and exits. Returns when all threads have joined.
    /// </summary>
    public static void RunThreads(AllocatorBase allocator, PoolSchemaOptions options, int threads, int operationsPerThread, int seed)
    {
        var inboxes = Enumerable.Range(0, threads).Select(_ => new ConcurrentQueue<LiveBlock>()).ToArray();
        using var handOffsDone = new Barrier(threads);
        var failures = new ConcurrentQueue<Exception>();
        var workers = Enumerable.Range(0, threads).Select(index => new Thread(() =>
        {
            try
            {
                var check = new PoolModelCheck(allocator, options, seed + index, targetLive: 300, firstId: index + 1, idStride: threads);
                var random = new Random(~(seed + index));
                for (int i = 0; i < operationsPerThread; i++)
                {
                    check.TakeHandOffs(inboxes[index]);
                    check.Step(outbox: inboxes[(index + 1 + random.Next(threads - 1)) % threads]);
                }
                handOffsDone.SignalAndWait();
                check.TakeHandOffs(inboxes[index]);
                check.FreeAll();
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
                handOffsDone.RemoveParticipant();
            }
        })).ToArray();

        foreach (var worker in workers)
            worker.Start();
        foreach (var worker in workers)
            worker.Join();
        if (!failures.IsEmpty)
            throw new AggregateException(failures);
    }

    /// <summary>One random operation. With an outbox, some frees hand the block to another thread instead.</summary>
    public void Step(ConcurrentQueue<LiveBlock>? outbox)
    {
        int roll = _random.Next(100);
        int allocateBelow = Live.Count < _targetLive ? 50 : 30;
        if (Live.Count == 0 || roll < allocateBelow)
            Allocate();
        else if (roll < 80)
            Free(_random.Next(Live.Count), outbox);
        else
            Reallocate(_random.Next(Live.Count));
    }

    /// <summary>Adopts the blocks other threads handed over, checking their patterns.</summary>
    public void TakeHandOffs(ConcurrentQueue<LiveBlock> inbox)
    {
        while (inbox.TryDequeue(out var block))
            Live.Adopt(block);
    }

    public void FreeAll()
    {
        while (Live.Count > 0)
            Free(Live.Count - 1, outbox: null);
    }

    /// <summary>The usable size a pool of <paramref name="options"/> gives, or -1 when it must return 0.</summary>
    public static nint ExpectedUsableSize(PoolSchemaOptions options, nint size, nint alignment)
    {
        nint min = options.MinAllocationSize;
        if (size > options.MaxAllocationSize || alignment > options.PageSize)
            return -1;
        nint rounded = Math.Max(min, (size + min - 1) / min * min);
        nint aligned = alignment > min ? (rounded + alignment - 1) / alignment * alignment : rounded;
        return aligned <= options.MaxAllocationSize ? aligned : rounded;
    }

    private void Allocate()
    {
        (nint size, nint alignment) = RandomRequest();
        nint expected = ExpectedUsableSize(_options, size, alignment);
        nint pointer = _allocator.Allocate(size, alignment);
        if (expected < 0)
        {
            if (pointer != 0)
                Assert.Fail($"Allocate({size}, {alignment}) returned a block where the pool must refuse");
            Refusals++;
            return;
        }
        Accept(pointer, size, alignment, expected);
    }

    private void Free(int index, ConcurrentQueue<LiveBlock>? outbox)
    {
        LiveBlock block = Live.RemoveAt(index);
        if (outbox is not null && _random.Next(4) == 0)
            outbox.Enqueue(block);
        else
            _allocator.DeAllocate(block.Address, _random.Next(2) == 0 ? block.Requested : 0);
    }

    private void Reallocate(int index)
    {
        (nint size, nint alignment) = RandomRequest();
        size = Math.Max(size, 1); // size 0 would be a free; Free covers that
        nint expected = ExpectedUsableSize(_options, size, alignment);
        LiveBlock old = Live[index];
        LiveBlocks.Verify(old, old.Usable);
        nint moved = _allocator.ReAllocate(old.Address, size, alignment);
        if (expected < 0)
        {
            if (moved != 0)
                Assert.Fail($"ReAllocate to ({size}, {alignment}) succeeded where the pool must refuse");
            LiveBlocks.Verify(old, old.Usable);
            Refusals++;
            return;
        }

        if (moved == 0)
            Assert.Fail($"ReAllocate to ({size}, {alignment}) returned 0");
        // Verified above; if the block moved, the old memory is free now and may already be reused.
        Live.RemoveAt(index, verify: false);
        if (expected == old.Usable && (alignment == 0 || old.Address % alignment == 0))
        {
            if (moved != old.Address)
                Assert.Fail($"ReAllocate within the same class and alignment moved the block ({old.Usable} bytes)");
        }
        LiveBlocks.Verify(old with { Address = moved }, Math.Min(old.Usable, expected));
        Accept(moved, size, alignment, expected);
    }

    private void Accept([TakesOwnership] nint pointer, nint size, nint alignment, nint expectedUsable)
    {
        if (pointer == 0)
            Assert.Fail($"({size}, {alignment}) returned 0");
        if (alignment != 0 && pointer % alignment != 0)
            Assert.Fail($"({size}, {alignment}) returned {pointer:X}, not aligned");
        if (pointer % _options.MinAllocationSize != 0)
            Assert.Fail($"({size}, {alignment}) returned {pointer:X}, not aligned to the minimum size");
        nint usable = _allocator.AllocationSize(pointer);
        if (usable != expectedUsable)
            Assert.Fail($"({size}, {alignment}) has usable size {usable}, expected {expectedUsable}");
        Live.AddNew(new LiveBlock(pointer, size, usable, _nextId));
        _nextId += _idStride;
    }

    private (nint Size, nint Alignment) RandomRequest()
    {
        nint max = _options.MaxAllocationSize;
        int sizeRoll = _random.Next(100);
        nint size = sizeRoll switch
        {
            0 => 0,
            1 => max + 1 + _random.Next((int)max),     // above the largest class: refused
            < 60 => _random.Next(1, 65),                // mostly small, as pools are used
            _ => _random.Next(1, (int)max + 1),
        };
        nint alignment = 0;
        if (_random.Next(5) == 0)
        {
            // Powers of two from 1 to twice the page size; the last is refused.
            int log2Page = System.Numerics.BitOperations.Log2((ulong)_options.PageSize);
            alignment = (nint)1 << _random.Next(log2Page + 2);
        }
        return (size, alignment);
    }
}
