using System.Runtime.InteropServices;

namespace Memory.Runtime.Tests.BestFitExternal;

/// <summary>
/// An address range that faults on any read or write: reserved with no access rights on Linux, so a
/// schema that touched it would crash the test run. Elsewhere a fake base high in the address space stands
/// in (almost surely unmapped, but not guaranteed).
/// </summary>
internal sealed partial class InaccessibleRange : IDisposable
{
    private const int ProtNone = 0;
    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20;
    private const int MapNoReserve = 0x4000;
    private static readonly nint MapFailed = -1;

    private readonly bool _mapped;

    public InaccessibleRange(nint length)
    {
        Length = length;
        if (OperatingSystem.IsLinux())
        {
            nint mapped = Mmap(0, (nuint)length, ProtNone, MapPrivate | MapAnonymous | MapNoReserve, -1, 0);
            if (mapped != MapFailed)
            {
                Base = mapped;
                _mapped = true;
                return;
            }
        }
        Base = unchecked((nint)0x1000_0000_0000);
    }

    public nint Base { get; }

    public nint Length { get; }

    /// <summary>Whether the range is guaranteed to fault (reserved without access rights).</summary>
    public bool IsGuaranteedToFault => _mapped;

    public void Dispose()
    {
        if (_mapped)
            _ = Munmap(Base, (nuint)Length);
    }

    [LibraryImport("libc", EntryPoint = "mmap")]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(nint address, nuint length);
}
