using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Memory.Buffers;
using Memory.Internal;
using Memory.Runtime.Tests.Testing;
using Memory.Schemas;

namespace Memory.Runtime.Tests.Core;

/// <summary>
/// The child-process half of <see cref="MainThreadTests"/>, run on the child's main thread: whether the main thread is
/// recognised by its stack and no other thread is; whether the schema (or the memory pool's cache) then gives the main
/// thread its own cache and no other thread that one; and traffic on the main thread and two others at once, with frees
/// across threads and collections asked for under it, after which every block has been seen intact and nothing is live.
/// </summary>
internal static unsafe class MainThreadProbe
{
    public const string Recognised = "main thread recognised";
    public const string OthersNotRecognised = "other threads not recognised";
    public const string OwnCache = "main thread has its own cache";
    public const string NoStackSlot = "main thread holds no stack slot";
    public const string TrafficExact = "traffic exact";

    private const int Threads = 3;
    private const int StepsPerThread = 40_000;

    public static int Run(string kind)
    {
        if (MainThreadStack.IsCurrent())
            Console.WriteLine(Recognised);
        bool recognisedElsewhere = false;
        OnThread.Run(() => recognisedElsewhere |= MainThreadStack.IsCurrent());
        recognisedElsewhere |= Task.Run(MainThreadStack.IsCurrent).Result;
        if (!recognisedElsewhere)
            Console.WriteLine(OthersNotRecognised);

        ITarget target = kind switch
        {
            "System" => new SchemaTarget<HphaSchema>(new HphaSchema(), static schema => schema.MainThreadCacheIsCallers,
                static schema => schema.CallersStackSlot, 70_000),
            "Heap" => new SchemaTarget<HeapSchema>(new HeapSchema(), static schema => schema.MainThreadCacheIsCallers,
                static schema => schema.CallersStackSlot, 70_000),
            "ThreadPool" => new SchemaTarget<ThreadPoolSchema>(new ThreadPoolSchema(), static schema => schema.MainThreadPoolIsCallers,
                static schema => schema.CallersStackSlot, 512),
            "MemoryPool" => new MemoryPoolTarget(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };

        // A thread other than the main one comes first: what it gets is its own, and the main thread has nothing yet.
        bool ownBeforeMain = true;
        OnThread.Run(() =>
        {
            target.Free(target.Allocate(64, tag: 0));
            ownBeforeMain = target.MainThreadsIsCallers;
        });
        target.Free(target.Allocate(64, tag: 0));
        bool ownOnMain = target.MainThreadsIsCallers;
        bool ownElsewhere = true;
        OnThread.Run(() =>
        {
            target.Free(target.Allocate(64, tag: 0));
            ownElsewhere = target.MainThreadsIsCallers;
        });
        if (ownOnMain && !ownBeforeMain && !ownElsewhere)
            Console.WriteLine(OwnCache);
        // The main thread finds its own by a field: a stack slot held for it would shut out, for the whole run, every
        // thread whose stack falls into the same slot.
        if (target.CallersStackSlot < 0)
            Console.WriteLine(NoStackSlot);

        string? failure = Traffic(target);
        if (failure is not null)
        {
            Console.WriteLine(failure);
            return 1;
        }
        long live = target.LiveBytesAfterEnd();
        if (live != 0)
        {
            Console.WriteLine($"{live} bytes live after every block was freed");
            return 1;
        }
        Console.WriteLine(TrafficExact);
        return 0;
    }

    // The main thread and two others allocate, check and free blocks of random sizes, hand some to each other to free,
    // while a fourth asks for collections. Each block carries its own tag at both ends, checked before it is freed: a
    // block handed out twice, or written by a cache that two threads used at once, shows as a wrong tag.
    private static string? Traffic(ITarget target)
    {
        var handedOver = new ConcurrentQueue<Block>();
        var leftLive = new ConcurrentQueue<Block>();
        var failures = new ConcurrentQueue<string>();
        using var done = new CancellationTokenSource();

        void Work(int thread)
        {
            var random = new Random(thread);
            var live = new List<Block>();
            try
            {
                for (int step = 0; step < StepsPerThread; step++)
                {
                    int choice = random.Next(10);
                    if (choice < 5 && live.Count < 256)
                    {
                        int size = random.Next(50) == 0 ? random.Next(8, target.MaxSize + 1) : random.Next(8, Math.Min(target.MaxSize, 1600) + 1);
                        live.Add(target.Allocate(size, ((long)thread << 32) | (uint)step));
                    }
                    else if (choice < 8 && live.Count > 0)
                    {
                        int index = random.Next(live.Count);
                        Block block = live[index];
                        live[index] = live[^1];
                        live.RemoveAt(live.Count - 1);
                        if (choice == 7)
                            handedOver.Enqueue(block);
                        else
                            Free(target, block, failures);
                    }
                    else if (handedOver.TryDequeue(out Block foreign))
                    {
                        Free(target, foreign, failures);
                    }
                }
            }
            catch (Exception exception)
            {
                failures.Enqueue($"thread {thread}: {exception}");
            }
            foreach (Block block in live)
                leftLive.Enqueue(block);
        }

        var collector = new Thread(() =>
        {
            while (!done.IsCancellationRequested)
            {
                target.Collect();
                Thread.Sleep(1);
            }
        });
        collector.Start();
        var workers = Enumerable.Range(1, Threads - 1).Select(thread => new Thread(() => Work(thread))).ToArray();
        foreach (var worker in workers)
            worker.Start();
        Work(0);
        foreach (var worker in workers)
            worker.Join();
        done.Cancel();
        collector.Join();

        foreach (Block block in leftLive.Concat(handedOver))
            Free(target, block, failures);
        return failures.IsEmpty ? null : string.Join(Environment.NewLine, failures);
    }

    private static void Free(ITarget target, Block block, ConcurrentQueue<string> failures)
    {
        if (!block.HasTag())
            failures.Enqueue($"block 0x{block.Address:x} of {block.Size} B lost its tag {block.Tag:x}");
        target.Free(block);
    }

    /// <summary>A live block, with the tag written into it and, for a rented buffer, its owner.</summary>
    private readonly record struct Block(nint Address, int Size, long Tag, IMemoryOwner<byte>? Owner)
    {
        public void WriteTag() => BlockTag.Write(Address, Size, Tag);

        public bool HasTag() => BlockTag.Holds(Address, Size, Tag);
    }

    private interface ITarget
    {
        int MaxSize { get; }

        /// <summary>Whether what the main thread found by its stack is the calling thread's own.</summary>
        bool MainThreadsIsCallers { get; }

        /// <summary>The stack slot the calling thread's cache holds, or -1.</summary>
        int CallersStackSlot { get; }

        Block Allocate(int size, long tag);

        void Free(Block block);

        void Collect();

        long LiveBytesAfterEnd();
    }

    private sealed class SchemaTarget<TSchema>(TSchema schema, Func<TSchema, bool> mainThreadsIsCallers,
        Func<TSchema, int> callersStackSlot, int maxSize) : ITarget
        where TSchema : struct, IAllocationSchema
    {
        public int MaxSize => maxSize;

        public bool MainThreadsIsCallers => mainThreadsIsCallers(schema);

        public int CallersStackSlot => callersStackSlot(schema);

        public Block Allocate(int size, long tag)
        {
            var block = new Block(schema.Allocate(size, 0), size, tag, null);
            block.WriteTag();
            return block;
        }

        public void Free(Block block) => schema.DeAllocate(block.Address, block.Size, 0);

        public void Collect() => schema.GarbageCollect();

        public long LiveBytesAfterEnd() => schema.NumAllocatedBytes;
    }

    // Rents pinned by address: the pool's buffers are native memory that does not move.
    private sealed class MemoryPoolTarget : ITarget
    {
        private readonly SystemAllocator _allocator = new();
        private readonly AllocatorMemoryPool _pool;

        public MemoryPoolTarget() => _pool = new AllocatorMemoryPool(_allocator);

        public int MaxSize => 64 * 1024;

        public bool MainThreadsIsCallers => _pool.MainThreadSlotsAreCallers;

        public int CallersStackSlot => _pool.CallersStackSlot;

        public Block Allocate(int size, long tag)
        {
            IMemoryOwner<byte> owner = _pool.Rent(size);
            var block = new Block((nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(owner.Memory.Span)), size, tag, owner);
            block.WriteTag();
            return block;
        }

        public void Free(Block block) => block.Owner!.Dispose();

        public void Collect() => AllocatorManager.GarbageCollect();

        public long LiveBytesAfterEnd()
        {
            _pool.Dispose();
            return _allocator.NumAllocatedBytes;
        }
    }
}
