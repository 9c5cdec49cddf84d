using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Memory.Internal;

namespace Memory.Schemas;

/// <summary>
/// The C heap. The only place in the project that calls the platform allocator directly; every other
/// schema draws its pages from here.
/// </summary>
/// <remarks>
/// <para>
/// Each block carries a header of two pointer-sized words just below the pointer it returns (two, so that the
/// block keeps the C heap's 16-byte alignment). The word next to the block holds the requested size, which keeps
/// <see cref="AllocationSize"/> exact and portable (no <c>malloc_usable_size</c>/<c>_msize</c> differences between
/// platforms). For a block at the C heap's own alignment that is all: the C heap's block starts a header's length
/// below. A block aligned beyond that holds the size complemented (a negative word) and, in the word below, the
/// distance back to the C heap's block. So every block is released with one <c>free</c> whatever its alignment
/// (Windows cannot mix <c>_aligned_malloc</c> and <c>free</c>), <see cref="ReAllocate"/> can use <c>realloc</c> for
/// the common, naturally aligned case, and the hot paths write one word and read one word.
/// </para>
/// <para>
/// The schema keeps no counts of its own: the C heap is untracked, as in O3DE; the allocator's tracking counts what
/// goes through it.
/// </para>
/// <para>
/// On Linux, <c>malloc</c> and <c>free</c> of blocks up to <see cref="CHeap.DirectCallLimit"/> are called
/// directly (see <see cref="CHeap"/>), which is what keeps this layer level with a bare
/// <c>NativeMemory.Alloc/Free</c>; larger blocks, <c>realloc</c> and other platforms go through
/// <see cref="NativeMemory"/>. Both reach the same C heap, so a block may be freed by either.
/// </para>
/// </remarks>
public struct OSSchema : IAllocationSchema
{
    /// <summary>The alignment the C heap guarantees: 16 bytes on 64-bit platforms, 8 on 32-bit.</summary>
    public static readonly nint MallocAlignment = 2 * IntPtr.Size;

    /// <summary>
    /// Two pointer-sized words below the user block: [offset to the C heap block, over-aligned blocks only][size word].
    /// </summary>
    internal static nint HeaderSize => 2 * IntPtr.Size;

    /// <inheritdoc/>
    public static bool IsThreadSafe => true;

    /// <inheritdoc/>
    public static bool SizesAreExact => true;

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
        nint sizeWord = SizeWord(pointer);
        if (sizeWord >= 0 && newAlignment <= MallocAlignment && newSize <= nint.MaxValue - HeaderSize)
        {
            // Naturally aligned before and after: the C heap can grow or shrink it in place.
            void* grown = TryRealloc((void*)(pointer - HeaderSize), (nuint)(newSize + HeaderSize));
            return grown == null ? 0 : NaturalBlock(grown, newSize);
        }

        nint moved = AllocateBlock(newSize, newAlignment);
        if (moved == 0)
            return 0;
        Buffer.MemoryCopy((void*)pointer, (void*)moved, newSize, Math.Min(SizeOf(sizeWord), newSize));
        FreeBlock(pointer);
        return moved;
    }

    /// <inheritdoc/>
    public readonly nint AllocationSize(nint pointer) => SizeOf(SizeWord(pointer));

    /// <inheritdoc/>
    public readonly void GarbageCollect()
    {
        // The C heap trims itself; there is nothing cached here.
    }

    /// <summary>Allocates straight from the C heap; used by schemas for their pages.</summary>
    /// <remarks>
    /// The common request (a small block at the C heap's alignment, on Linux) is a direct <c>malloc</c> and one store;
    /// everything else is out of line.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe nint AllocateBlock(nint size, nint alignment)
    {
        // The unsigned test also sends negative sizes to the checks of the general path.
        if (CHeap.Malloc != null && (nuint)size <= (nuint)CHeap.DirectCallLimit && alignment <= MallocAlignment)
        {
            void* raw = CHeap.Malloc((nuint)(size + HeaderSize));
            return raw == null ? 0 : NaturalBlock(raw, size);
        }
        return AllocateBlockAnyRoute(size, alignment);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe nint AllocateBlockAnyRoute(nint size, nint alignment)
    {
        // Over-allocate by the header, plus the slack needed to reach an alignment the C heap does not give.
        nint slack = alignment > MallocAlignment ? alignment - MallocAlignment : 0;
        if ((nuint)size > (nuint)(nint.MaxValue - HeaderSize - slack))
            return 0;

        nuint bytes = (nuint)(size + HeaderSize + slack);
        void* raw = CHeap.Malloc != null && size <= CHeap.DirectCallLimit ? CHeap.Malloc(bytes) : TryAlloc(bytes);
        if (raw == null)
            return 0;

        if (slack == 0)
            return NaturalBlock(raw, size);
        nint user = AlignmentMath.AlignUp((nint)raw + HeaderSize, alignment);
        *(nint*)(user - HeaderSize) = user - (nint)raw;
        SizeWord(user) = ~size;
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
        // One unsigned test: a naturally aligned block (non-negative word) small enough for the direct call.
        if (CHeap.Free != null && (nuint)SizeWord(pointer) <= (nuint)CHeap.DirectCallLimit)
            CHeap.Free((void*)(pointer - HeaderSize));
        else
            FreeBlockAnyRoute(pointer);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void FreeBlockAnyRoute(nint pointer)
    {
        nint sizeWord = SizeWord(pointer);
        nint offset = sizeWord >= 0 ? HeaderSize : *(nint*)(pointer - HeaderSize);
        void* raw = (void*)(pointer - offset);
        // The size picks the same route as the allocation did (either would be correct).
        if (CHeap.Free != null && SizeOf(sizeWord) <= CHeap.DirectCallLimit)
            CHeap.Free(raw);
        else
            NativeMemory.Free(raw);
    }

    /// <summary>The user block of a C heap block at the C heap's own alignment: the header, then the block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe nint NaturalBlock(void* raw, nint size)
    {
        nint user = (nint)raw + HeaderSize;
        SizeWord(user) = size;
        return user;
    }

    /// <summary>The word just below a block: its size, complemented when the block is over-aligned.</summary>
    private static unsafe ref nint SizeWord(nint pointer) => ref *(nint*)(pointer - IntPtr.Size);

    /// <summary>The requested size a size word stands for, without a branch.</summary>
    private static nint SizeOf(nint sizeWord) => sizeWord ^ (sizeWord >> (8 * IntPtr.Size - 1));

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
    internal static unsafe class CHeap
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
