using Memory.Diagnostics;

namespace Memory;

/// <summary>
/// A pointer was handed to an allocator that does not own it, or freed twice, or freed with the wrong
/// size or alignment, or its guard bytes were overwritten. Raised in checked mode (and by overrun
/// detection, and for double frees in every mode) before anything is corrupted: the operation that raised it did
/// nothing.
/// </summary>
public sealed class AllocatorMisuseException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public AllocatorMisuseException(string allocatorName, nint pointer, string message)
        : this(allocatorName, pointer, MisuseKind.Other, message, allocationSite: null, owner: null)
    {
    }

    /// <summary>Creates the exception with what was found out about the block.</summary>
    /// <param name="allocatorName">The allocator that detected the misuse.</param>
    /// <param name="pointer">The pointer involved.</param>
    /// <param name="kind">What went wrong.</param>
    /// <param name="message">A sentence describing it.</param>
    /// <param name="allocationSite">Where the block was allocated ("file:line"), when recorded.</param>
    /// <param name="owner">The allocator that owns the block, for <see cref="MisuseKind.WrongAllocator"/>.</param>
    public AllocatorMisuseException(string allocatorName, nint pointer, MisuseKind kind, string message,
        string? allocationSite, string? owner)
        : base($"{allocatorName}: {message} (pointer 0x{pointer:X})")
    {
        Detail = message;
        AllocatorName = allocatorName;
        Pointer = pointer;
        Kind = kind;
        AllocationSite = allocationSite;
        OwnerName = owner;
    }

    /// <summary>The allocator that detected the misuse.</summary>
    public string AllocatorName { get; }

    /// <summary>The pointer involved.</summary>
    public nint Pointer { get; }

    /// <summary>What went wrong.</summary>
    public MisuseKind Kind { get; }

    /// <summary>Where the block was allocated ("file:line"), when that was recorded.</summary>
    public string? AllocationSite { get; }

    /// <summary>The allocator that owns the block, when it was freed through another one.</summary>
    public string? OwnerName { get; }

    /// <summary>The sentence describing the misuse, without the allocator's name and the pointer.</summary>
    internal string Detail { get; }

    /// <summary>The same misuse reported by <paramref name="allocatorName"/>: a child allocator reports what its parent found.</summary>
    internal AllocatorMisuseException ReportedBy(string allocatorName)
        => allocatorName == AllocatorName ? this : new(allocatorName, Pointer, Kind, Detail, AllocationSite, OwnerName);
}
