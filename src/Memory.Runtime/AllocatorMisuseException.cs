namespace Memory;

/// <summary>
/// A pointer was handed to an allocator that does not own it, or freed twice, or freed with the wrong
/// size or alignment. Raised in checked mode before anything is corrupted.
/// </summary>
public sealed class AllocatorMisuseException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public AllocatorMisuseException(string allocatorName, nint pointer, string message)
        : base($"{allocatorName}: {message} (pointer 0x{pointer:X})")
    {
        AllocatorName = allocatorName;
        Pointer = pointer;
    }

    /// <summary>The allocator that detected the misuse.</summary>
    public string AllocatorName { get; }

    /// <summary>The pointer involved.</summary>
    public nint Pointer { get; }
}
