using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Memory.Buffers;
using Memory.Runtime.Tests.Containers;
using Memory.Runtime.Tests.Testing;

namespace Memory.Runtime.Tests.Core;

/// <summary>
/// <see cref="StackReuseProbe"/> for <see cref="AllocatorMemoryPool"/>'s thread slots: a thread on an exited thread's
/// stack enters the exited one's slots by address, until a trim takes them back for good; and trims from another thread,
/// which take those slots back while it may be inside, hand no block out twice. Unlike the heaps' caches, the slots are also emptied while their owner lives,
/// by every trim: the one busy mark serves both.
/// </summary>
internal static class StackReusePoolProbe
{
    private const int Generations = 200;
    private const int StepsPerGeneration = 5_000;
    private const int StepsBeforeCollections = 100;

    // Every size class the default bound gives thread slots to lies below this.
    private const int MaxSize = 64 << 10;

    public static int Run()
    {
        using var allocator = new ContainerTestAllocator();
        var pool = new AllocatorMemoryPool(allocator, maxBufferSize: MaxSize);
        int adopted = 0;
        for (int generation = 0; generation < Generations; generation++)
        {
            OnThread.Run(() =>
            {
                if (Probe(pool))
                    adopted++;
                // The return gives the thread slots of its own, when the pool has slots left for one more thread.
                pool.Rent(512).Dispose();
                // The last call of the thread binds its slots to this frame's page: its successor's first call runs there.
                _ = Probe(pool);
            });
            // A joined thread's stack comes back to the C library a moment after the join (see StackReuseProbe).
            Thread.Sleep(1);
        }
        Console.WriteLine($"{adopted} of {Generations} generations entered their predecessor's slots");
        if (adopted > 0)
            Console.WriteLine(StackReuseProbe.Adopted);

        // A trim takes an exited thread's slots back for good: a thread on its stack must not find them afterwards (it
        // would find them revoked, and keep to the shared bins while the slots it could have had stay unused).
        int enteredRetired = 0;
        for (int generation = 0; generation < Generations; generation++)
        {
            AllocatorManager.GarbageCollect();
            OnThread.Run(() =>
            {
                if (Probe(pool))
                    enteredRetired++;
                pool.Rent(512).Dispose();
                _ = Probe(pool);
            });
            Thread.Sleep(1);
        }
        if (enteredRetired > 0)
        {
            Console.WriteLine($"{enteredRetired} of {Generations} generations entered slots a trim had taken back");
            pool.Dispose();
            return 1;
        }

        string? failure = Traffic(pool);
        pool.Dispose();
        if (failure is not null)
        {
            Console.WriteLine(failure);
            return 1;
        }
        if (allocator.NumAllocatedBytes != 0 || allocator.LiveAllocations != 0)
        {
            Console.WriteLine($"{allocator.NumAllocatedBytes} bytes in {allocator.LiveAllocations} blocks live after every buffer was returned and the pool disposed");
            return 1;
        }
        Console.WriteLine(StackReuseProbe.TrafficExact);
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool Probe(AllocatorMemoryPool pool) => pool.EntersAnotherThreadsSlots;

    // Generations of threads one after another, each renting and returning tagged buffers of random sizes and leaving
    // some for the next to return, while a collector trims the pool (and with it the exited threads' slots) without pause.
    private static string? Traffic(AllocatorMemoryPool pool)
    {
        var failures = new ConcurrentQueue<string>();
        var left = new ConcurrentQueue<(IMemoryOwner<byte> Owner, long Tag)>();
        StackReuseProbe.GenerationsUnderCollection(AllocatorManager.GarbageCollect, (seed, started) => Work(pool, seed, started, left, failures));

        while (left.TryDequeue(out var buffer))
            Return(buffer, failures);
        return failures.IsEmpty ? null : string.Join(Environment.NewLine, failures.Take(20));
    }

    private static void Work(AllocatorMemoryPool pool, int seed, SemaphoreSlim started, ConcurrentQueue<(IMemoryOwner<byte>, long)> left, ConcurrentQueue<string> failures)
    {
        var random = new Random(seed);
        var live = new List<(IMemoryOwner<byte> Owner, long Tag)>();
        for (int step = 0; step < StepsPerGeneration; step++)
        {
            if (step == StepsBeforeCollections)
                started.Release();
            // Mostly one buffer at a time, as a request handler rents: the thread's own slots serve those.
            if (random.Next(2) == 0 && live.Count < 8)
            {
                IMemoryOwner<byte> owner = pool.Rent(random.Next(1, MaxSize + 1));
                long tag = ((long)seed << 32) | (uint)step;
                Tag(owner, tag);
                live.Add((owner, tag));
            }
            else if (live.Count > 0)
            {
                int index = random.Next(live.Count);
                var buffer = live[index];
                live[index] = live[^1];
                live.RemoveAt(live.Count - 1);
                Return(buffer, failures);
            }
            else if (left.TryDequeue(out var earlier))
            {
                Return(earlier, failures);
            }
        }
        foreach (var buffer in live)
            left.Enqueue(buffer);
    }

    private static unsafe void Tag(IMemoryOwner<byte> owner, long tag)
    {
        using MemoryHandle pin = owner.Memory.Pin();
        BlockTag.Write((nint)pin.Pointer, owner.Memory.Length, tag);
    }

    // A buffer handed out twice was tagged by its second renter: the first sees the wrong tag.
    private static unsafe void Return((IMemoryOwner<byte> Owner, long Tag) buffer, ConcurrentQueue<string> failures)
    {
        using (MemoryHandle pin = buffer.Owner.Memory.Pin())
        {
            if (!BlockTag.Holds((nint)pin.Pointer, buffer.Owner.Memory.Length, buffer.Tag))
                failures.Enqueue($"a buffer of {buffer.Owner.Memory.Length} B at 0x{(nint)pin.Pointer:x} lost its tag {buffer.Tag:x}");
        }
        buffer.Owner.Dispose();
    }
}
