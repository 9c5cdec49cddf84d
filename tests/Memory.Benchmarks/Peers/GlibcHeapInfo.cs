using System.Runtime.InteropServices;

namespace Memory.Benchmarks.Peers;

/// <summary>
/// glibc's own figures through <c>mallinfo2</c> (glibc 2.33+), summed over all arenas. They cover every
/// <c>malloc</c> of the process, the runtime's included, so the overhead report uses differences from the
/// start of a run, and calls them approximate.
/// </summary>
internal static unsafe class GlibcHeapInfo
{
    private static readonly nint Libc = OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out nint libc) ? libc : 0;
    private static readonly delegate* unmanaged[Cdecl]<MallInfo2> MallInfo2Function =
        (delegate* unmanaged[Cdecl]<MallInfo2>)Export("mallinfo2");
    private static readonly delegate* unmanaged[Cdecl]<nuint, int> MallocTrimFunction =
        (delegate* unmanaged[Cdecl]<nuint, int>)Export("malloc_trim");

    /// <summary>Whether this process's C library has <c>mallinfo2</c>.</summary>
    public static bool IsAvailable => MallInfo2Function != null;

    /// <summary>Reserved (arena + mapped) and allocated (in use + mapped) bytes, or zeros without <c>mallinfo2</c>.</summary>
    public static (long Reserved, long Allocated) Read()
    {
        if (MallInfo2Function == null)
            return (0, 0);
        MallInfo2 info = MallInfo2Function();
        return ((long)(info.Arena + info.Hblkhd), (long)(info.Uordblks + info.Hblkhd));
    }

    /// <summary>Returns free memory at the top of the heap and in free pages to the system (<c>malloc_trim(0)</c>).</summary>
    public static void Trim()
    {
        if (MallocTrimFunction != null)
            MallocTrimFunction(0);
    }

    private static nint Export(string name)
        => Libc != 0 && NativeLibrary.TryGetExport(Libc, name, out nint export) ? export : 0;

    // struct mallinfo2 from <malloc.h>: ten size_t fields, in this order.
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena;    // non-mmapped space allocated from the system
        public nuint Ordblks;  // free chunks
        public nuint Smblks;   // free fastbin blocks
        public nuint Hblks;    // mmapped regions
        public nuint Hblkhd;   // bytes in mmapped regions
        public nuint Usmblks;  // unused
        public nuint Fsmblks;  // bytes in freed fastbin blocks
        public nuint Uordblks; // total allocated space
        public nuint Fordblks; // total free space
        public nuint Keepcost; // top-most releasable space
    }
}
