namespace Memory.Diagnostics;

/// <summary>A block whose guard bytes were overwritten, found by <see cref="AllocatorBase.FindGuardViolations"/>.</summary>
/// <param name="Address">The block.</param>
/// <param name="Size">Its requested size.</param>
/// <param name="Kind"><see cref="MisuseKind.Overrun"/> or <see cref="MisuseKind.Underrun"/>.</param>
/// <param name="Distance">
/// For an overrun, the first overwritten byte counted from the end of the block (0 is the first byte past
/// the end); for an underrun, how many bytes before the start the overwritten byte nearest the block lies
/// (1 is the byte just before it).
/// </param>
/// <param name="CallSite">Where the block was allocated ("file:line").</param>
public sealed record GuardViolation(nint Address, nint Size, MisuseKind Kind, nint Distance, string CallSite)
{
    /// <summary>One line describing the damage.</summary>
    public string Describe() => Kind == MisuseKind.Underrun
        ? $"underrun: the guard byte {Distance} before the start of the {Size}-byte block 0x{Address:X} allocated at {CallSite} was overwritten"
        : $"overrun: the guard byte at offset {Distance} past the end of the {Size}-byte block 0x{Address:X} allocated at {CallSite} was overwritten";
}
