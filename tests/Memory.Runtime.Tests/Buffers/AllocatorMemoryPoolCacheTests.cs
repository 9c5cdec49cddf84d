using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Memory.Buffers;
using Memory.Runtime.Tests.Containers;
using Memory.Runtime.Tests.Tracking;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Buffers;

/// <summary>
/// The blocks an <see cref="AllocatorMemoryPool"/> keeps for reuse: reuse, bounds, trimming, release, and
/// the bypass while the allocator records. They count kept blocks, which a garbage collection requested by
/// any other test would give back, so the class runs alone.
/// </summary>
[Collection(ProcessWideStateCollection.Name)]
public sealed class AllocatorMemoryPoolCacheTests
{
    [Fact]
    public void A_returned_block_is_rented_again_without_the_allocator()
    {
        using var inner = new ContainerTestAllocator();
        var allocator = new SpyAllocator(inner);
        using var pool = new AllocatorMemoryPool(allocator);

        var first = pool.Rent(3000);
        nint address = Address(first);
        Assert.Equal(4096, first.Memory.Length);
        first.Dispose();
        Assert.Equal(4096, pool.CachedBytes);
        Assert.Equal(4096, allocator.NumAllocatedBytes);

        using var second = pool.Rent(4000);

        Assert.Equal(address, Address(second));
        Assert.Equal(4096, second.Memory.Length);
        Assert.Equal(0, pool.CachedBytes);
        Assert.Equal(4096, allocator.NumAllocatedBytes);
        Assert.Equal(1, allocator.Allocations);
        Assert.Equal(0, allocator.DeAllocations);
    }

    [Fact]
    public void A_stale_owner_never_sees_the_next_rental_of_its_block()
    {
        using var allocator = new ContainerTestAllocator();
        using var pool = new AllocatorMemoryPool(allocator);
        var stale = pool.Rent(100);
        Memory<byte> staleMemory = stale.Memory;
        nint address = Address(stale);
        stale.Dispose();

        using var fresh = pool.Rent(100);
        fresh.Memory.Span.Fill(0x5A);

        Assert.Equal(address, Address(fresh));
        Assert.NotSame(stale, fresh);
        Assert.Throws<ObjectDisposedException>(() => stale.Memory);
        Assert.Throws<ObjectDisposedException>(() => staleMemory.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => staleMemory.Pin());
        // A second dispose of the stale owner must not put the block, now rented again, back in the cache.
        stale.Dispose();
        Assert.Equal(0, pool.CachedBytes);
        Assert.All(fresh.Memory.Span.ToArray(), b => Assert.Equal(0x5A, b));
    }

    [Fact]
    public void A_rent_from_the_cache_allocates_one_owner_of_two_fields()
    {
        using var allocator = new ContainerTestAllocator();
        using var pool = new AllocatorMemoryPool(allocator);
        for (int i = 0; i < 100; i++)
            pool.Rent(4096).Dispose();

        const int Rents = 1000;
        long length = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Rents; i++)
        {
            using var owner = pool.Rent(4096);
            length += owner.Memory.Length;
        }
        long perRent = (GC.GetAllocatedBytesForCurrentThread() - before) / Rents;

        Assert.Equal(4096L * Rents, length);
        // A header, a method table pointer, the block's address and its size class: 32 bytes on a 64-bit
        // process, where MemoryPool<byte>.Shared's owner takes 24.
        Assert.InRange(perRent, 1, 4 * IntPtr.Size);
    }

    [Fact]
    public void The_allocator_count_is_the_rented_bytes_plus_the_cached_bytes()
    {
        using var allocator = new ContainerTestAllocator();
        using var pool = new AllocatorMemoryPool(allocator);
        var owners = new[] { 16, 100, 512, 4096, 5000, 65536 }.Select(size => pool.Rent(size)).ToList();
        long rented = owners.Sum(o => (long)o.Memory.Length);
        Assert.Equal(16 + 128 + 512 + 4096 + 8192 + 65536, rented);
        Assert.Equal(rented, allocator.NumAllocatedBytes);

        owners[1].Dispose();
        owners[4].Dispose();

        Assert.Equal(128 + 8192, pool.CachedBytes);
        Assert.Equal(rented, allocator.NumAllocatedBytes);
        foreach (var owner in owners)
            owner.Dispose();
        Assert.Equal(rented, pool.CachedBytes);
    }

    [Fact]
    public void Sizes_above_the_largest_class_or_zero_are_exact_and_never_kept()
    {
        using var allocator = new ContainerTestAllocator();
        using var pool = new AllocatorMemoryPool(allocator);

        var large = pool.Rent((1 << 20) + 1);
        var empty = pool.Rent(0);
        Assert.Equal((1 << 20) + 1, large.Memory.Length);
        Assert.Equal(0, empty.Memory.Length);
        large.Dispose();
        empty.Dispose();

        Assert.Equal(0, pool.CachedBytes);
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.LiveAllocations);
    }

    [Fact]
    public void The_cache_keeps_no_more_than_its_bound()
    {
        using var allocator = new ContainerTestAllocator();
        const long bound = 4L << 20;
        using var pool = new AllocatorMemoryPool(allocator, maxCachedBytes: bound);

        var owners = Enumerable.Range(0, 300).Select(_ => pool.Rent(4096)).ToList();
        foreach (var owner in owners)
            owner.Dispose();

        Assert.Equal(bound, pool.MaxCachedBytes);
        Assert.InRange(pool.CachedBytes, 4096, bound);
        Assert.Equal(pool.CachedBytes, allocator.NumAllocatedBytes);
        Assert.Equal(pool.CachedBytes / 4096, allocator.LiveAllocations);
    }

    [Fact]
    public void A_size_whose_share_of_the_bound_cannot_hold_a_block_is_exact_and_not_kept()
    {
        using var allocator = new ContainerTestAllocator();
        using var pool = new AllocatorMemoryPool(allocator, maxCachedBytes: 64 * 1024);

        var owner = pool.Rent(50_000);
        Assert.Equal(50_000, owner.Memory.Length);
        owner.Dispose();

        Assert.Equal(0, pool.CachedBytes);
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }

    [Fact]
    public void Garbage_collection_gives_the_cached_blocks_back()
    {
        using var allocator = new ContainerTestAllocator();
        using var pool = new AllocatorMemoryPool(allocator);
        foreach (var owner in Enumerable.Range(0, 8).Select(i => pool.Rent(256 << i)).ToList())
            owner.Dispose();
        using var kept = pool.Rent(64);
        Assert.True(pool.CachedBytes > 0);

        AllocatorManager.GarbageCollect();

        Assert.Equal(0, pool.CachedBytes);
        Assert.Equal(64, allocator.NumAllocatedBytes);
        Assert.Equal(1, allocator.LiveAllocations);
    }

    [Fact]
    public void Over_an_allocator_that_is_not_thread_safe_garbage_collection_waits_for_the_next_rent()
    {
        using var inner = new ContainerTestAllocator();
        var allocator = new SpyAllocator(inner);
        using var pool = new AllocatorMemoryPool(allocator);
        pool.Rent(4096).Dispose();
        pool.Rent(512).Dispose();

        AllocatorManager.GarbageCollect();

        // The collecting thread may not call this allocator; the pool's own thread does it when it next rents.
        Assert.Equal(0, allocator.DeAllocations);
        Assert.Equal(4096 + 512, pool.CachedBytes);
        using var owner = pool.Rent(4096);
        Assert.Equal(2, allocator.DeAllocations);
        Assert.Equal(0, pool.CachedBytes);
        Assert.Equal(4096, allocator.NumAllocatedBytes);
    }

    [Fact]
    public void Disposing_the_pool_gives_every_cached_block_back_and_later_returns_go_to_the_allocator()
    {
        using var allocator = new ContainerTestAllocator();
        var pool = new AllocatorMemoryPool(allocator);
        foreach (var owner in Enumerable.Range(0, 50).Select(i => pool.Rent(100 + 997 * i)).ToList())
            owner.Dispose();
        var stillOut = pool.Rent(4096);
        Assert.True(pool.CachedBytes > 0);

        pool.Dispose();

        Assert.Equal(0, pool.CachedBytes);
        Assert.Equal(4096, allocator.NumAllocatedBytes);
        stillOut.Dispose();
        Assert.Equal(0, pool.CachedBytes);
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.LiveAllocations);
    }

    [Fact]
    public void While_the_allocator_records_rents_bypass_the_cache_and_leak_reports_stay_exact()
    {
        using var allocator = new ContainerTestAllocator();
        allocator.Records.Mode = TrackingMode.Records;
        using var pool = new AllocatorMemoryPool(allocator, name: "recorded"); int creationLine = CurrentLine();

        var returned = pool.Rent(1000);
        using var held = pool.Rent(1000);
        Assert.Equal(1000, held.Memory.Length);
        returned.Dispose();

        Assert.Equal(0, pool.CachedBytes);
        Assert.Equal(1000, allocator.NumAllocatedBytes);
        var record = Assert.Single(allocator.Records.Snapshot());
        Assert.Equal("recorded", record.Name);
        Assert.Equal(creationLine, record.Line);
    }

    [Fact]
    public void A_block_rented_on_one_thread_and_returned_on_another_is_whole_and_handed_out_once()
    {
        using var allocator = new ContainerTestAllocator();
        using var pool = new AllocatorMemoryPool(allocator);
        using var handOff = new BlockingCollection<(IMemoryOwner<byte> Owner, byte Stamp)>(boundedCapacity: 16);
        Exception? failure = null;
        const int Rents = 20_000;

        var writer = new Thread(() =>
        {
            try
            {
                for (int i = 0; i < Rents; i++)
                {
                    var owner = pool.Rent(i % 3 == 0 ? 4000 : 512);
                    byte stamp = (byte)i;
                    owner.Memory.Span.Fill(stamp);
                    handOff.Add((owner, stamp));
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                handOff.CompleteAdding();
            }
        });
        var reader = new Thread(() =>
        {
            try
            {
                foreach (var (owner, stamp) in handOff.GetConsumingEnumerable())
                {
                    // A block handed to a second renter while this one holds it would have been overwritten.
                    if (owner.Memory.Span.IndexOfAnyExcept(stamp) >= 0)
                        throw new InvalidOperationException($"Block with stamp {stamp} was overwritten while rented.");
                    owner.Dispose();
                    Assert.Throws<ObjectDisposedException>(() => owner.Memory);
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        writer.Start();
        reader.Start();
        Assert.True(writer.Join(TimeSpan.FromMinutes(1)) && reader.Join(TimeSpan.FromMinutes(1)), "hand-off hung");

        Assert.Null(failure);
        Assert.Equal(pool.CachedBytes, allocator.NumAllocatedBytes);
        Assert.True(allocator.Records.TotalAllocations < Rents / 2, $"{allocator.Records.TotalAllocations} allocations for {Rents} rents");
        pool.Dispose();
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }

    [Fact]
    public void Threads_renting_at_once_never_share_a_block()
    {
        using var allocator = new ContainerTestAllocator();
        using var pool = new AllocatorMemoryPool(allocator);
        Exception? failure = null;
        using var start = new Barrier(4);
        var threads = Enumerable.Range(1, 4).Select(id => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                var held = new Queue<IMemoryOwner<byte>>();
                for (int i = 0; i < 20_000; i++)
                {
                    var owner = pool.Rent(1024);
                    owner.Memory.Span.Fill((byte)id);
                    held.Enqueue(owner);
                    if (held.Count > 3)
                    {
                        var oldest = held.Dequeue();
                        if (oldest.Memory.Span.IndexOfAnyExcept((byte)id) >= 0)
                            throw new InvalidOperationException($"Thread {id}'s block was written by another renter.");
                        oldest.Dispose();
                    }
                }
                while (held.TryDequeue(out var owner))
                    owner.Dispose();
            }
            catch (Exception e)
            {
                failure = e;
            }
        })).ToArray();
        foreach (var thread in threads)
            thread.Start();
        foreach (var thread in threads)
            thread.Join();

        Assert.Null(failure);
        Assert.InRange(pool.CachedBytes, 1024, pool.MaxCachedBytes);
        Assert.Equal(pool.CachedBytes, allocator.NumAllocatedBytes);
    }

    [Fact]
    public void Trims_from_another_thread_take_the_blocks_a_busy_thread_keeps_for_itself_without_sharing_one()
    {
        using var allocator = new ContainerTestAllocator();
        var pool = new AllocatorMemoryPool(allocator);
        Exception? failure = null;
        int rounds = 0;
        var worker = new Thread(() =>
        {
            try
            {
                // Until a rent throws because the pool was disposed.
                while (true)
                {
                    // Two blocks at once, so a block taken by a trim and handed out again would be seen overwritten.
                    using (var first = pool.Rent(512))
                    using (var second = pool.Rent(512))
                    {
                        first.Memory.Span.Fill(1);
                        second.Memory.Span.Fill(2);
                        if (first.Memory.Span.IndexOfAnyExcept((byte)1) >= 0)
                            throw new InvalidOperationException("Two rents shared a block.");
                    }
                    Interlocked.Increment(ref rounds);
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        worker.Start();
        for (int i = 0; i < 200 || Volatile.Read(ref rounds) < 1000; i++)
        {
            AllocatorManager.GarbageCollect();
            Thread.Yield();
        }
        int roundsBeforeDispose = Volatile.Read(ref rounds);

        // The pool's dispose takes the blocks the worker keeps while it keeps working; its later returns are freed.
        pool.Dispose();
        Assert.True(worker.Join(TimeSpan.FromMinutes(1)), "the worker did not see the dispose");

        Assert.IsType<ObjectDisposedException>(failure);
        Assert.True(roundsBeforeDispose >= 1000, $"{roundsBeforeDispose} rounds");
        Assert.Equal(0, pool.CachedBytes);
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.LiveAllocations);
    }

    [Fact]
    public void A_negative_bound_is_rejected()
    {
        using var allocator = new ContainerTestAllocator();

        Assert.Throws<ArgumentOutOfRangeException>(() => new AllocatorMemoryPool(allocator, maxCachedBytes: -1));
    }

    private static int CurrentLine([CallerLineNumber] int line = 0) => line;

    private static unsafe nint Address(IMemoryOwner<byte> owner)
        => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(owner.Memory.Span));
}
