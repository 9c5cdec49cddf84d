using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Memory.Tracking;

// This project's allocators in the comparison. Wiring one is two steps, both in this file:
//   1. an adapter struct (copy OSAllocatorPeer, change the type, name, size limit and thread safety);
//   2. one [Benchmark] line in the AllocatorBenchmark part at the bottom.
// The filter then runs it on every workload it can serve, the overhead report (--overhead) picks it up
// because it implements IMeasuredHeap, and the smoke run (--smoke) exercises it.

namespace Memory.Benchmarks.Peers
{
    /// <summary>How this project's allocators are set up for the comparison tables.</summary>
    internal static class ComparedAllocators
    {
        /// <summary>
        /// Tracking in the comparison tables: none, so the tables measure the algorithms. What tracking costs
        /// is measured on its own by <see cref="Layering.OSAllocatorLayering"/> (None against the default Counters).
        /// </summary>
        public const TrackingMode Tracking = TrackingMode.None;

        /// <summary>A private instance (not the process-wide one), so nothing else's blocks mix with the workload's.</summary>
        public static TAllocator Create<TAllocator>(TrackingMode tracking = Tracking)
            where TAllocator : AllocatorBase, IAllocatorType<TAllocator>
        {
            TAllocator allocator = TAllocator.CreateAllocator();
            allocator.Records.Mode = tracking;
            return allocator;
        }
    }

    /// <summary><see cref="Memory.OSAllocator"/>: the C heap behind this project's layering, tracking off.</summary>
    public readonly struct OSAllocatorPeer : IBenchAllocator<nint>, IMeasuredHeap
    {
        private static readonly OSAllocator Allocator = ComparedAllocators.Create<OSAllocator>();

        /// <inheritdoc/>
        public static PeerTraits Traits { get; } = new("OSAllocator", int.MaxValue, IsThreadSafe: true);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static nint Allocate(int size) => NativeBlocks.Checked(Allocator.Allocate(size), size);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Free(nint block, int size) => Allocator.DeAllocate(block, size);

        /// <inheritdoc/>
        public static Span<byte> Bytes(nint block, int size) => NativeBlocks.Bytes(block, size);

        /// <inheritdoc/>
        public static long ReservedBytes => Allocator.ReservedBytes; // The C heap is not counted: 0, "n/a" in the report.

        /// <inheritdoc/>
        public static long AllocatedBytes => Allocator.NumAllocatedBytes;

        /// <inheritdoc/>
        public static int SampleEvery => 1;

        /// <inheritdoc/>
        public static void ReleaseCached() => Allocator.GarbageCollect();
    }

    /// <summary><see cref="Memory.OSAllocator"/> with the default tracking, Counters: for the layering benchmark.</summary>
    public readonly struct OSAllocatorCountersPeer : IBenchAllocator<nint>
    {
        private static readonly OSAllocator Allocator = ComparedAllocators.Create<OSAllocator>(TrackingMode.Counters);

        /// <inheritdoc/>
        public static PeerTraits Traits { get; } = new("OSAllocator (Counters)", int.MaxValue, IsThreadSafe: true);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static nint Allocate(int size) => NativeBlocks.Checked(Allocator.Allocate(size), size);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Free(nint block, int size) => Allocator.DeAllocate(block, size);

        /// <inheritdoc/>
        public static Span<byte> Bytes(nint block, int size) => NativeBlocks.Bytes(block, size);
    }

    /// <summary><see cref="Memory.SystemAllocator"/> (HPHA): O3DE's default allocator.</summary>
    public readonly struct SystemAllocatorPeer : IBenchAllocator<nint>, IMeasuredHeap
    {
        private static readonly SystemAllocator Allocator = ComparedAllocators.Create<SystemAllocator>();

        /// <inheritdoc/>
        public static PeerTraits Traits { get; } = new("SystemAllocator", int.MaxValue, IsThreadSafe: true);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static nint Allocate(int size) => NativeBlocks.Checked(Allocator.Allocate(size), size);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Free(nint block, int size) => Allocator.DeAllocate(block, size);

        /// <inheritdoc/>
        public static Span<byte> Bytes(nint block, int size) => NativeBlocks.Bytes(block, size);

        /// <inheritdoc/>
        public static long ReservedBytes => Allocator.ReservedBytes;

        /// <inheritdoc/>
        public static long AllocatedBytes => Allocator.NumAllocatedBytes;

        /// <inheritdoc/>
        public static int SampleEvery => 1;

        /// <inheritdoc/>
        public static void ReleaseCached() => Allocator.GarbageCollect();
    }

    /// <summary><see cref="Memory.SystemAllocator"/> with the default tracking, Counters: for the pair (<c>--pair-interleaved</c>).</summary>
    public readonly struct SystemAllocatorCountersPeer : IBenchAllocator<nint>
    {
        private static readonly SystemAllocator Allocator = ComparedAllocators.Create<SystemAllocator>(TrackingMode.Counters);

        /// <inheritdoc/>
        public static PeerTraits Traits { get; } = new("SystemAllocator (Counters)", int.MaxValue, IsThreadSafe: true);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static nint Allocate(int size) => NativeBlocks.Checked(Allocator.Allocate(size), size);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Free(nint block, int size) => Allocator.DeAllocate(block, size);

        /// <inheritdoc/>
        public static Span<byte> Bytes(nint block, int size) => NativeBlocks.Bytes(block, size);
    }

    /// <summary><see cref="Memory.PoolAllocator"/>: size classes up to 512 B, not thread-safe.</summary>
    public readonly struct PoolAllocatorPeer : IBenchAllocator<nint>, IMeasuredHeap
    {
        private static readonly PoolAllocator Allocator = ComparedAllocators.Create<PoolAllocator>();

        /// <inheritdoc/>
        public static PeerTraits Traits { get; } = new("PoolAllocator", MaxBlockSize: 512, IsThreadSafe: false);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static nint Allocate(int size) => NativeBlocks.Checked(Allocator.Allocate(size), size);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Free(nint block, int size) => Allocator.DeAllocate(block, size);

        /// <inheritdoc/>
        public static Span<byte> Bytes(nint block, int size) => NativeBlocks.Bytes(block, size);

        /// <inheritdoc/>
        public static long ReservedBytes => Allocator.ReservedBytes;

        /// <inheritdoc/>
        public static long AllocatedBytes => Allocator.NumAllocatedBytes;

        /// <inheritdoc/>
        public static int SampleEvery => 1;

        /// <inheritdoc/>
        public static void ReleaseCached() => Allocator.GarbageCollect();
    }

    /// <summary><see cref="Memory.ThreadPoolAllocator"/>: a pool per thread, up to 512 B, cross-thread frees.</summary>
    public readonly struct ThreadPoolAllocatorPeer : IBenchAllocator<nint>, IMeasuredHeap
    {
        private static readonly ThreadPoolAllocator Allocator = ComparedAllocators.Create<ThreadPoolAllocator>();

        /// <inheritdoc/>
        public static PeerTraits Traits { get; } = new("ThreadPoolAllocator", MaxBlockSize: 512, IsThreadSafe: true);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static nint Allocate(int size) => NativeBlocks.Checked(Allocator.Allocate(size), size);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Free(nint block, int size) => Allocator.DeAllocate(block, size);

        /// <inheritdoc/>
        public static Span<byte> Bytes(nint block, int size) => NativeBlocks.Bytes(block, size);

        /// <inheritdoc/>
        public static long ReservedBytes => Allocator.ReservedBytes;

        /// <inheritdoc/>
        public static long AllocatedBytes => Allocator.NumAllocatedBytes;

        /// <inheritdoc/>
        public static int SampleEvery => 1;

        /// <inheritdoc/>
        public static void ReleaseCached() => Allocator.GarbageCollect();
    }

    /// <summary><see cref="Memory.HeapAllocator"/>: thread caches for allocation-heavy multithreaded work.</summary>
    public readonly struct HeapAllocatorPeer : IBenchAllocator<nint>, IMeasuredHeap
    {
        private static readonly HeapAllocator Allocator = ComparedAllocators.Create<HeapAllocator>();

        /// <inheritdoc/>
        public static PeerTraits Traits { get; } = new("HeapAllocator", int.MaxValue, IsThreadSafe: true);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static nint Allocate(int size) => NativeBlocks.Checked(Allocator.Allocate(size), size);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Free(nint block, int size) => Allocator.DeAllocate(block, size);

        /// <inheritdoc/>
        public static Span<byte> Bytes(nint block, int size) => NativeBlocks.Bytes(block, size);

        /// <inheritdoc/>
        public static long ReservedBytes => Allocator.ReservedBytes;

        /// <inheritdoc/>
        public static long AllocatedBytes => Allocator.NumAllocatedBytes;

        /// <inheritdoc/>
        public static int SampleEvery => 1;

        /// <inheritdoc/>
        public static void ReleaseCached() => Allocator.GarbageCollect();
    }
}

namespace Memory.Benchmarks.Workloads
{
    using Memory.Benchmarks.Peers;

    /// <summary>This project's allocators as columns of every workload table.</summary>
    public abstract partial class AllocatorBenchmark
    {
        [Benchmark, Peer(typeof(OSAllocatorPeer))]
        public void OSAllocator() => Invoke<OSAllocatorPeer, nint>();

        [Benchmark, Peer(typeof(SystemAllocatorPeer))]
        public void SystemAllocator() => Invoke<SystemAllocatorPeer, nint>();

        [Benchmark, Peer(typeof(PoolAllocatorPeer))]
        public void PoolAllocator() => Invoke<PoolAllocatorPeer, nint>();

        [Benchmark, Peer(typeof(ThreadPoolAllocatorPeer))]
        public void ThreadPoolAllocator() => Invoke<ThreadPoolAllocatorPeer, nint>();

        [Benchmark, Peer(typeof(HeapAllocatorPeer))]
        public void HeapAllocator() => Invoke<HeapAllocatorPeer, nint>();
    }
}
