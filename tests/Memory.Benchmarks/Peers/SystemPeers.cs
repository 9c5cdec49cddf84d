using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Memory.Benchmarks.Peers;

/// <summary>
/// <see cref="System.Runtime.InteropServices.NativeMemory"/>: what a .NET developer calls for native memory
/// today, glibc's <c>malloc</c> behind a regular P/Invoke. The baseline of every table.
/// </summary>
public readonly struct NativeMemoryPeer : IBenchAllocator<nint>
{
    /// <inheritdoc/>
    public static PeerTraits Traits { get; } = new("NativeMemory", int.MaxValue, IsThreadSafe: true);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe nint Allocate(int size) => (nint)NativeMemory.Alloc((nuint)size);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Free(nint block, int size) => NativeMemory.Free((void*)block);

    /// <inheritdoc/>
    public static Span<byte> Bytes(nint block, int size) => NativeBlocks.Bytes(block, size);
}

/// <summary>Describes a C allocator library for <see cref="NativeHeapPeer{TLibrary}"/>.</summary>
public interface INativeHeapLibrary
{
    /// <summary>Opens the library; an unavailable heap when it is not installed.</summary>
    static abstract NativeHeap Load();
}

/// <summary>glibc's <c>malloc</c> called directly, like the other C allocators (no P/Invoke transition).</summary>
public readonly struct Glibc : INativeHeapLibrary
{
    static NativeHeap INativeHeapLibrary.Load() => NativeHeap.Load("glibc", ["libc.so.6"], "malloc", "free");
}

/// <summary>mimalloc (Debian package <c>libmimalloc2.0</c>).</summary>
public readonly struct Mimalloc : INativeHeapLibrary
{
    static NativeHeap INativeHeapLibrary.Load()
        => NativeHeap.Load("mimalloc", ["libmimalloc.so.2", "libmimalloc.so"], "mi_malloc", "mi_free");
}

/// <summary>jemalloc (Debian package <c>libjemalloc2</c>; exports unprefixed <c>malloc</c>/<c>free</c>).</summary>
public readonly struct Jemalloc : INativeHeapLibrary
{
    static NativeHeap INativeHeapLibrary.Load()
        => NativeHeap.Load("jemalloc", ["libjemalloc.so.2", "libjemalloc.so"], "malloc", "free");
}

/// <summary>tcmalloc, the minimal build without heap profiler (Debian package <c>libtcmalloc-minimal4</c>).</summary>
public readonly struct Tcmalloc : INativeHeapLibrary
{
    static NativeHeap INativeHeapLibrary.Load()
        => NativeHeap.Load("tcmalloc", ["libtcmalloc_minimal.so.4", "libtcmalloc_minimal.so"], "tc_malloc", "tc_free");
}

/// <summary>A C allocator library called through unmanaged function pointers without a GC transition.</summary>
/// <typeparam name="TLibrary">Which library.</typeparam>
public readonly unsafe struct NativeHeapPeer<TLibrary> : IBenchAllocator<nint>
    where TLibrary : struct, INativeHeapLibrary
{
    private static readonly NativeHeap Heap = TLibrary.Load();

    // Read once into static readonly fields: optimised code treats them as constants.
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nuint, void*> MallocFunction = Heap.Malloc;
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, void> FreeFunction = Heap.Free;

    /// <inheritdoc/>
    public static PeerTraits Traits { get; } = new(Heap.Name, int.MaxValue, IsThreadSafe: true, Heap.Unavailable);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint Allocate(int size)
    {
        if (MallocFunction == null)
            ThrowUnavailable();
        return NativeBlocks.Checked((nint)MallocFunction((nuint)size), size);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(nint block, int size) => FreeFunction((void*)block);

    /// <inheritdoc/>
    public static Span<byte> Bytes(nint block, int size) => NativeBlocks.Bytes(block, size);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowUnavailable() => throw new InvalidOperationException($"{Heap.Name}: {Heap.Unavailable}");
}
