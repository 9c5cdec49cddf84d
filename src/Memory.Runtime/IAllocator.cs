using System.Runtime.CompilerServices;
using Memory.Tracking;

namespace Memory;

/// <summary>
/// An allocator of native memory: the C# face of O3DE's <c>AZ::IAllocator</c>.
/// </summary>
/// <remarks>
/// Pointers are <see cref="nint"/> so that callers need no <c>unsafe</c> context; a pointer of 0 is null.
/// An alignment of 0 asks for the allocator's default alignment; any other alignment must be a power of two.
/// A size of 0 returns a unique, freeable block. A request the allocator cannot satisfy (too large, out of
/// memory) returns 0 after the out-of-memory handling of <see cref="AllocatorManager"/> has run.
/// </remarks>
public interface IAllocator
{
    /// <summary>The allocator's display name, shown in reports and metrics.</summary>
    string Name { get; }

    /// <summary>What the allocator is for.</summary>
    string Description { get; }

    /// <summary>Allocates <paramref name="size"/> bytes aligned to <paramref name="alignment"/>.</summary>
    /// <param name="size">Bytes requested; must not be negative.</param>
    /// <param name="alignment">0 for the default alignment, otherwise a power of two.</param>
    /// <param name="name">An optional label that tracking records with the allocation.</param>
    /// <param name="file">The calling file, filled in by the compiler.</param>
    /// <param name="line">The calling line, filled in by the compiler.</param>
    /// <returns>The block, or 0 when the request cannot be satisfied.</returns>
    nint Allocate(nint size, nint alignment = 0, string? name = null,
        [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0);

    /// <summary>Returns a block to the allocator. Freeing 0 does nothing.</summary>
    /// <param name="pointer">A block from <see cref="Allocate"/> or <see cref="ReAllocate"/>.</param>
    /// <param name="size">The size it was allocated with, or 0 when unknown (checked mode verifies a non-zero size).</param>
    /// <param name="alignment">The alignment it was allocated with, or 0 when unknown.</param>
    void DeAllocate(nint pointer, nint size = 0, nint alignment = 0);

    /// <summary>
    /// Resizes a block, keeping its contents up to the smaller of the two sizes. A pointer of 0 allocates;
    /// a size of 0 frees and returns 0. On failure returns 0 and leaves the old block untouched.
    /// </summary>
    nint ReAllocate(nint pointer, nint newSize, nint newAlignment = 0);

    /// <summary>The usable size of a live block (at least the size it was requested with).</summary>
    nint AllocationSize(nint pointer);

    /// <summary>Bytes currently handed out by this allocator (usable sizes of live blocks).</summary>
    long NumAllocatedBytes { get; }

    /// <summary>The most this allocator can hand out, or <see cref="long.MaxValue"/> when only the OS limits it.</summary>
    long Capacity { get; }

    /// <summary>Returns cached free memory to whatever this allocator draws from.</summary>
    void GarbageCollect();

    /// <summary>The allocator's tracking: counters, live records and leak reports.</summary>
    AllocationRecords Records { get; }
}
