using System.Runtime.InteropServices;

namespace Memory.Benchmarks.Peers;

/// <summary>
/// A C allocator in a shared library, reached through its exported <c>malloc</c> and <c>free</c>.
/// </summary>
/// <remarks>
/// The library is opened with <see cref="NativeLibrary"/>, which does not interpose the process's own
/// <c>malloc</c>: the runtime keeps glibc, and only the calls made through these function pointers go to the
/// library's allocator. The pointers are unmanaged, cdecl and <c>SuppressGCTransition</c>: a call is a plain
/// indirect call, as it would be from C, with no switch to preemptive mode around it. That is sound for
/// <c>malloc</c>/<c>free</c> (short, never call back into managed code, never throw).
/// </remarks>
public sealed unsafe class NativeHeap
{
    private NativeHeap(string name, string? unavailable,
        delegate* unmanaged[Cdecl, SuppressGCTransition]<nuint, void*> malloc,
        delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, void> free)
    {
        Name = name;
        Unavailable = unavailable;
        Malloc = malloc;
        Free = free;
    }

    /// <summary>The allocator's name in reports.</summary>
    public string Name { get; }

    /// <summary>Why the library could not be used, or null when it loaded.</summary>
    public string? Unavailable { get; }

    /// <summary>The library's <c>malloc</c>; null when <see cref="Unavailable"/> is set.</summary>
    public delegate* unmanaged[Cdecl, SuppressGCTransition]<nuint, void*> Malloc { get; }

    /// <summary>The library's <c>free</c>; null when <see cref="Unavailable"/> is set.</summary>
    public delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, void> Free { get; }

    /// <summary>
    /// Opens the first of <paramref name="libraryNames"/> that loads and resolves the two exports. A missing
    /// library is not an error: the heap reports itself unavailable and the benchmarks leave it out.
    /// </summary>
    public static NativeHeap Load(string name, string[] libraryNames, string mallocExport, string freeExport)
    {
        foreach (string library in libraryNames)
        {
            if (!NativeLibrary.TryLoad(library, out nint handle))
                continue;
            if (NativeLibrary.TryGetExport(handle, mallocExport, out nint malloc)
                && NativeLibrary.TryGetExport(handle, freeExport, out nint free))
            {
                return new NativeHeap(name, null,
                    (delegate* unmanaged[Cdecl, SuppressGCTransition]<nuint, void*>)malloc,
                    (delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, void>)free);
            }
        }

        return new NativeHeap(name,
            $"{string.Join(" or ", libraryNames)} not found (run scripts/install-native-allocators.sh)",
            null, null);
    }
}
