namespace Memory.Tracking.Records;

/// <summary>How a recorded block sits in the memory behind it; the free path needs it to find that memory.</summary>
internal enum BlockLayout : byte
{
    /// <summary>The pointer is the schema's block.</summary>
    Plain,

    /// <summary>The pointer lies inside a larger schema block, between guard bytes.</summary>
    GuardBytes,

    /// <summary>The pointer ends against an inaccessible page, in pages mapped for this block alone.</summary>
    GuardPage,
}
