using System.Runtime.InteropServices;

namespace Memory.Diagnostics;

/// <summary>
/// Page mappings with an inaccessible page after them, for <see cref="OverrunDetection.GuardPage"/>.
/// </summary>
/// <remarks>
/// The one deliberate exception to "only <c>OSSchema</c> calls the OS": the C heap cannot change page
/// protection, so this file maps pages itself (<c>mmap</c>/<c>mprotect</c>/<c>munmap</c> on Unix,
/// <c>VirtualAlloc</c>/<c>VirtualProtect</c>/<c>VirtualFree</c> on Windows). It is a debugging aid, used
/// only when an allocator is switched to guard pages, and kept to these calls.
/// </remarks>
internal static class GuardPages
{
    private const int ProtNone = 0;
    private const int ProtReadWrite = 3;
    private const int MapPrivate = 0x02;
    private const uint MemCommitReserve = 0x3000;
    private const uint MemRelease = 0x8000;
    private const uint PageNoAccess = 0x01;
    private const uint PageReadWrite = 0x04;

    public static nint PageSize { get; } = System.Environment.SystemPageSize;

    // MAP_ANONYMOUS: 0x20 on Linux, 0x1000 on macOS and the BSDs.
    private static int MapAnonymous => OperatingSystem.IsLinux() || OperatingSystem.IsAndroid() ? 0x20 : 0x1000;

    /// <summary>Maps <paramref name="length"/> bytes (a multiple of the page size) read-write; 0 when the OS refuses.</summary>
    public static nint Map(nint length)
    {
        if (OperatingSystem.IsWindows())
            return VirtualAlloc(0, length, MemCommitReserve, PageReadWrite);
        nint mapping = mmap(0, length, ProtReadWrite, MapPrivate | MapAnonymous, -1, 0);
        return mapping == -1 ? 0 : mapping;
    }

    /// <summary>Makes the page at <paramref name="page"/> (page-aligned, inside a mapping) inaccessible.</summary>
    public static bool Protect(nint page)
        => OperatingSystem.IsWindows()
            ? VirtualProtect(page, PageSize, PageNoAccess, out _)
            : mprotect(page, PageSize, ProtNone) == 0;

    /// <summary>Returns a mapping from <see cref="Map"/> to the OS.</summary>
    public static void Unmap(nint mapping, nint length)
    {
        if (OperatingSystem.IsWindows())
            VirtualFree(mapping, 0, MemRelease);
        else
            munmap(mapping, length);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern nint mmap(nint address, nint length, int protection, int flags, int fd, nint offset);

    [DllImport("libc", SetLastError = true)]
    private static extern int mprotect(nint address, nint length, int protection);

    [DllImport("libc", SetLastError = true)]
    private static extern int munmap(nint address, nint length);

    [DllImport("kernel32", SetLastError = true)]
    private static extern nint VirtualAlloc(nint address, nint size, uint allocationType, uint protection);

    [DllImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool VirtualProtect(nint address, nint size, uint newProtection, out uint oldProtection);

    [DllImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool VirtualFree(nint address, nint size, uint freeType);
}
