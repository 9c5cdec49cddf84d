using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Memory.Internal;

namespace Memory.Schemas;

/// <summary>
/// The C heap. The only place in the project that calls the platform allocator directly; every other
/// schema draws its pages from here.
/// </summary>
/// <remarks>
/// Each block carries a small header just below the pointer it returns, holding the requested size and
/// the distance back to the C heap's own block. That keeps <see cref="AllocationSize"/> exact and
/// portable (no <c>malloc_usable_size</c>/<c>_msize</c> differences between platforms), lets every block
/// be released with one <c>free</c> whatever its alignment (Windows cannot mix <c>_aligned_malloc</c> and
/// <c>free</c>), and lets <see cref="ReAllocate"/> use <c>realloc</c> for the common, naturally aligned case.
/// The schema keeps no counts of its own: the C heap is untracked, as in O3DE; the allocator's
/// tracking counts what goes through it.
/// <para>
/// On Linux, <c>malloc</c> and <c>free</c> of blocks up to <see cref="CHeap.DirectCallLimit"/> are called
/// directly (see <see cref="CHeap"/>), which is what keeps this layer within a few percent of a bare
/// <c>NativeMemory.Alloc/Free</c>; larger blocks, <c>realloc</c> and other platforms go through
/// <see cref="NativeMemory"/>. Both reach the same C heap, so a block may be freed by either.
/// </para>
/// </remarks>
public struct OSSchema : IAllocationSchema
{
    /// <summary>The alignment the C heap guarantees: 16 bytes on 64-bit platforms, 8 on 32-bit.</summary>
    public static readonly nint MallocAlignment = 2 * IntPtr.Size;

    // Two pointer-sized words below the user block: [offset to the C heap block][requested size].
    private static nint HeaderSize => 2 * IntPtr.Size;

    /// <inheritdoc/>
    public static bool IsThreadSafe => true;

    /// <inheritdoc/>
    public readonly long NumAllocatedBytes => 0;

    /// <inheritdoc/>
    public readonly long ReservedBytes => 0;

    /// <inheritdoc/>
    public readonly long Capacity => long.MaxValue;

    /// <inheritdoc/>
    public readonly nint Allocate(nint size, nint alignment) => AllocateBlock(size, alignment);

    /// <inheritdoc/>
    public readonly void DeAllocate(nint pointer, nint size, nint alignment) => FreeBlock(pointer);

    /// <inheritdoc/>
    public readonly unsafe nint ReAllocate(nint pointer, nint newSize, nint newAlignment)
    {
        nint offset = *(nint*)(pointer - 2 * IntPtr.Size);
        if (offset == HeaderSize && newAlignment <= MallocAlignment && newSize <= nint.MaxValue - HeaderSize)
        {
            // Naturally aligned before and after: the C heap can grow or shrink it in place.
            void* grown = TryRealloc((void*)(pointer - HeaderSize), (nuint)(newSize + HeaderSize));
            if (grown == null)
                return 0;
            nint user = (nint)grown + HeaderSize;
            *(nint*)(user - IntPtr.Size) = newSize;
            return user;
        }

        nint moved = AllocateBlock(newSize, newAlignment);
        if (moved == 0)
            return 0;
        nint oldSize = *(nint*)(pointer - IntPtr.Size);
        Buffer.MemoryCopy((void*)pointer, (void*)moved, newSize, Math.Min(oldSize, newSize));
        FreeBlock(pointer);
        return moved;
    }

    /// <inheritdoc/>
    public readonly unsafe nint AllocationSize(nint pointer) => *(nint*)(pointer - IntPtr.Size);

    /// <inheritdoc/>
    public readonly void GarbageCollect()
    {
        // The C heap trims itself; there is nothing cached here.
    }

    /// <summary>Allocates straight from the C heap; used by schemas for their pages.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe nint AllocateBlock(nint size, nint alignment)
    {
        // Over-allocate by the header, plus the slack needed to reach an alignment the C heap does not give.
        nint slack = alignment > MallocAlignment ? alignment - MallocAlignment : 0;
        if ((nuint)size > (nuint)(nint.MaxValue - HeaderSize - slack))
            return 0;

        nuint bytes = (nuint)(size + HeaderSize + slack);
        void* raw = CHeap.Malloc != null && size <= CHeap.DirectCallLimit ? CHeap.Malloc(bytes) : TryAlloc(bytes);
        if (raw == null)
            return 0;

        nint user = slack == 0 ? (nint)raw + HeaderSize : AlignmentMath.AlignUp((nint)raw + HeaderSize, alignment);
        *(nint*)(user - 2 * IntPtr.Size) = user - (nint)raw;
        *(nint*)(user - IntPtr.Size) = size;
        return user;
    }

    // NativeMemory throws OutOfMemoryException where the C heap returns null; allocators report failure as 0.
    private static unsafe void* TryAlloc(nuint bytes)
    {
        try
        {
            return NativeMemory.Alloc(bytes);
        }
        catch (OutOfMemoryException)
        {
            return null;
        }
    }

    private static unsafe void* TryRealloc(void* block, nuint bytes)
    {
        try
        {
            return NativeMemory.Realloc(block, bytes);
        }
        catch (OutOfMemoryException)
        {
            return null;
        }
    }

    /// <summary>Returns a block from <see cref="AllocateBlock"/> to the C heap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void FreeBlock(nint pointer)
    {
        nint offset = *(nint*)(pointer - 2 * IntPtr.Size);
        void* raw = (void*)(pointer - offset);
        // The size in the header picks the same route as the allocation did (either would be correct).
        if (CHeap.Free != null && *(nint*)(pointer - IntPtr.Size) <= CHeap.DirectCallLimit)
            CHeap.Free(raw);
        else
            NativeMemory.Free(raw);
    }

    /// <summary>
    /// The C library's <c>malloc</c> and <c>free</c> as unmanaged function pointers, called without a GC transition.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <see cref="NativeMemory.Alloc(nuint)"/> is a P/Invoke into the runtime's native shim with a transition to
    /// preemptive GC mode and back: for a small block that costs as much as <c>malloc</c> itself. A
    /// <c>SuppressGCTransition</c> call is a plain call, which is allowed for functions that return quickly, never
    /// block for long and never call back into the runtime. <c>malloc</c> and <c>free</c> of small blocks are served
    /// from the C heap's per-thread caches and bins; large ones may map or unmap memory with a system call, so only
    /// blocks up to <see cref="DirectCallLimit"/> (well below glibc's 128 KiB mmap threshold) take this route.
    /// </para>
    /// <para>
    /// The symbols are looked up in the process's global scope (<see cref="NativeLibrary.GetMainProgramHandle"/>),
    /// exactly as the runtime's own call to <c>malloc</c> resolves them, so a preloaded allocator that replaces
    /// <c>malloc</c> is used by both routes alike. Linux only; elsewhere the pointers stay null and every call goes
    /// through <see cref="NativeMemory"/>. The fields are read-only statics, constants to the optimising JIT, so the
    /// null tests cost nothing.
    /// </para>
    /// </remarks>
    private static unsafe class CHeap
    {
        /// <summary>The largest block (requested bytes) allocated and freed through the direct calls.</summary>
        public const nint DirectCallLimit = 32 * 1024;

        public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nuint, void*> Malloc;

        public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, void> Free;

        static CHeap()
        {
            if (!OperatingSystem.IsLinux())
                return;
            nint program = NativeLibrary.GetMainProgramHandle();
            if (NativeLibrary.TryGetExport(program, "malloc", out nint malloc) && NativeLibrary.TryGetExport(program, "free", out nint free))
            {
                Malloc = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nuint, void*>)malloc;
                Free = (delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, void>)free;
            }
        }
    }
}
