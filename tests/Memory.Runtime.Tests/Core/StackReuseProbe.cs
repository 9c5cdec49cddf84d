using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Memory.Runtime.Tests.Testing;
using Memory.Schemas;

namespace Memory.Runtime.Tests.Core;

/// <summary>
/// The child-process half of <see cref="StackReuseTests"/>: threads that start one after another, each on the stack its
/// predecessor left (the C library reuses an exited thread's stack), so that each can find its predecessor's
/// cache (<c>SystemAllocator</c>'s or <c>HeapAllocator</c>'s, or <c>ThreadPoolAllocator</c>'s pool) by stack address (see <see cref="Internal.StackBoundCache"/>). First, whether they do.
/// Then traffic from such generations while another thread collects without pause, retiring each exited thread's cache
/// while its successor may be inside it; every block must come back intact and nothing stay live.
/// </summary>
internal static class StackReuseProbe
{
    public const string Adopted = "a successor entered its predecessor's cache";
    public const string TrafficExact = "traffic exact";

    private const int Generations = 200;
    private const int StepsPerGeneration = 5_000;
    private const int StepsBeforeCollections = 100;
    private const int CollectionsPerGeneration = 50;

    // Past the small blocks' largest size class, so that the heaps' traffic reaches their trees as well.
    private const int MaxSize = 1600;

    public static int Run(string kind) => kind switch
    {
        "System" => Run(new HphaSchema(), static schema => schema.EntersAnotherThreadsCache, MaxSize),
        "Heap" => Run(new HeapSchema(), static schema => schema.EntersAnotherThreadsCache, MaxSize),
        "ThreadPool" => Run(new ThreadPoolSchema(), static schema => schema.EntersAnotherThreadsPool, (int)PoolSchemaOptions.Default.MaxAllocationSize),
        "MemoryPool" => StackReusePoolProbe.Run(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static int Run<TSchema>(TSchema schema, Func<TSchema, bool> entersAnotherThreadsCache, int maxSize)
        where TSchema : struct, IAllocationSchema
    {
        int adopted = 0;
        for (int generation = 0; generation < Generations; generation++)
        {
            OnThread.Run(() =>
            {
                if (Probe(schema, entersAnotherThreadsCache))
                    adopted++;
                schema.DeAllocate(schema.Allocate(64, 0), 64, 0);
                // The last call of the thread binds its cache to this frame's page: its successor's first call runs there.
                _ = Probe(schema, entersAnotherThreadsCache);
            });
            // Joined is not yet gone: the C library takes the stack back a moment after the thread reports its end, and
            // a thread started before that gets another stack. ThreadPoolAllocator's pool then follows the newest
            // thread to that stack (a thread without a pool adopts the exited one's at once), so stacks that alternate
            // would leave no generation on its predecessor's.
            Thread.Sleep(1);
        }
        Console.WriteLine($"{adopted} of {Generations} generations entered their predecessor's cache");
        if (adopted > 0)
            Console.WriteLine(Adopted);

        string? failure = Traffic(schema, maxSize);
        if (failure is not null)
        {
            Console.WriteLine(failure);
            return 1;
        }
        schema.GarbageCollect();
        long live = schema.NumAllocatedBytes;
        if (live != 0)
        {
            Console.WriteLine($"{live} bytes live after every block was freed");
            return 1;
        }
        Console.WriteLine(TrafficExact);
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool Probe<TSchema>(TSchema schema, Func<TSchema, bool> entersAnotherThreadsCache)
        where TSchema : struct, IAllocationSchema
        => entersAnotherThreadsCache(schema);

    // Generations of threads one after another, each allocating and freeing tagged blocks of random sizes and leaving
    // some for the next to free, while a collector retires the exited threads' caches as fast as it can.
    private static string? Traffic<TSchema>(TSchema schema, int maxSize)
        where TSchema : struct, IAllocationSchema
    {
        var failures = new ConcurrentQueue<string>();
        var left = new ConcurrentQueue<(nint Address, int Size, long Tag)>();
        GenerationsUnderCollection(schema.GarbageCollect, (seed, started) => Work(schema, seed, maxSize, started, left, failures));

        while (left.TryDequeue(out var block))
            Free(schema, block, failures);
        return failures.IsEmpty ? null : string.Join(Environment.NewLine, failures.Take(20));
    }

    /// <summary>
    /// Runs <see cref="Generations"/> threads one after another, each <paramref name="work"/> with its generation as the
    /// seed, while another thread calls <paramref name="collect"/> <see cref="CollectionsPerGeneration"/> times for each
    /// generation once the generation releases the semaphore it is given.
    /// </summary>
    internal static void GenerationsUnderCollection(Action collect, Action<int, SemaphoreSlim> work)
    {
        using var done = new CancellationTokenSource();
        using var started = new SemaphoreSlim(0);
        // Left alone, the collector would retire each exited thread's cache before its successor starts. So it waits
        // until a generation is under way, inside its predecessor's cache, and then collects while it works.
        var collector = new Thread(() =>
        {
            while (true)
            {
                started.Wait();
                if (done.IsCancellationRequested)
                    return;
                for (int i = 0; i < CollectionsPerGeneration; i++)
                    collect();
            }
        });
        collector.Start();

        for (int generation = 0; generation < Generations; generation++)
        {
            int seed = generation;
            OnThread.Run(() => work(seed, started));
        }
        done.Cancel();
        started.Release();
        collector.Join();
    }

    private static void Work<TSchema>(TSchema schema, int seed, int maxSize, SemaphoreSlim started, ConcurrentQueue<(nint, int, long)> left, ConcurrentQueue<string> failures)
        where TSchema : struct, IAllocationSchema
    {
        var random = new Random(seed);
        var live = new List<(nint Address, int Size, long Tag)>();
        for (int step = 0; step < StepsPerGeneration; step++)
        {
            if (step == StepsBeforeCollections)
                started.Release();
            if (random.Next(2) == 0 && live.Count < 256)
            {
                int size = random.Next(8, maxSize + 1);
                long tag = ((long)seed << 32) | (uint)step;
                nint address = schema.Allocate(size, 0);
                BlockTag.Write(address, size, tag);
                live.Add((address, size, tag));
            }
            else if (live.Count > 0)
            {
                int index = random.Next(live.Count);
                var block = live[index];
                live[index] = live[^1];
                live.RemoveAt(live.Count - 1);
                Free(schema, block, failures);
            }
            else if (left.TryDequeue(out var earlier))
            {
                Free(schema, earlier, failures);
            }
        }
        foreach (var block in live)
            left.Enqueue(block);
    }

    private static void Free<TSchema>(TSchema schema, (nint Address, int Size, long Tag) block, ConcurrentQueue<string> failures)
        where TSchema : struct, IAllocationSchema
    {
        if (!BlockTag.Holds(block.Address, block.Size, block.Tag))
            failures.Enqueue($"block 0x{block.Address:x} of {block.Size} B lost its tag {block.Tag:x}");
        schema.DeAllocate(block.Address, block.Size, 0);
    }
}
