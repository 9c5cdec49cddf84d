namespace Memory.Diagnostics;

/// <summary>What went wrong in an <see cref="AllocatorMisuseException"/>.</summary>
public enum MisuseKind
{
    /// <summary>Not one of the cases below.</summary>
    Other = 0,

    /// <summary>The block was freed already.</summary>
    DoubleFree,

    /// <summary>The pointer is not a live block of this allocator nor of any tracked allocator.</summary>
    ForeignPointer,

    /// <summary>The pointer is a live block of another allocator.</summary>
    WrongAllocator,

    /// <summary>The size given on free is not the size the block was allocated with.</summary>
    SizeMismatch,

    /// <summary>The alignment given on free is not the alignment the block was allocated with.</summary>
    AlignmentMismatch,

    /// <summary>Bytes after the end of the block were overwritten.</summary>
    Overrun,

    /// <summary>Bytes before the start of the block were overwritten.</summary>
    Underrun,
}
