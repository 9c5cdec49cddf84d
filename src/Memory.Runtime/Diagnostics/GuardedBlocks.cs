using Memory.Internal;
using Memory.Tracking;
using Memory.Tracking.Records;

namespace Memory.Diagnostics;

/// <summary>
/// The layouts of guarded blocks: where the user's pointer sits inside the memory behind it, where the
/// guards are, and how they are checked. The allocator does the allocating; this does the arithmetic.
/// </summary>
/// <remarks>
/// Guard bytes: <c>[front guard, at least 16 bytes and a multiple of the alignment][block][16 guard bytes]</c>
/// in one schema block. Guard page: <c>[unused][16 guard bytes][block][slack guard bytes][no-access page]</c>
/// in pages of its own; the slack (less than the alignment, 16 by default) keeps the pointer aligned.
/// </remarks>
internal static class GuardedBlocks
{
    /// <summary>The alignment guarded blocks get when the caller asks for the default.</summary>
    public const int DefaultAlignment = 16;

    /// <summary>The schema request that holds a guard-bytes block, or false when it would overflow.</summary>
    public static bool TryGetGuardBytesRequest(nint size, nint alignment, out nint front, out nint total)
    {
        front = GuardBytes.FrontSize(alignment);
        total = 0;
        if (size > nint.MaxValue - front - GuardBytes.Size)
            return false;
        total = front + size + GuardBytes.Size;
        return true;
    }

    /// <summary>Writes the guards of a guard-bytes block in its schema block and returns the user's pointer.</summary>
    public static nint PlaceInGuardBytes(nint raw, nint front, nint size)
    {
        GuardBytes.Write(raw, front);
        GuardBytes.Write(raw + front + size, GuardBytes.Size);
        return raw + front;
    }

    /// <summary>Maps pages for a guard-page block; returns the user's pointer, or 0 when the OS refuses.</summary>
    public static nint AllocateOnGuardPage(nint size, nint alignment, out nint mapping, out nint length)
    {
        mapping = 0;
        length = 0;
        nint page = GuardPages.PageSize;
        nint align = alignment == 0 ? DefaultAlignment : alignment;
        if (size > nint.MaxValue / 2 - 2 * page - align)
            return 0;

        // The block ends at the guard page, short of it only by the slack its alignment forces. A mapping is
        // only page-aligned, so a larger alignment needs room to move the block up to it.
        nint span = AlignmentMath.AlignUp(size, align);
        nint dataLength = AlignmentMath.AlignUp(span, page);
        length = dataLength + (align > page ? align - page : 0) + page;
        mapping = GuardPages.Map(length);
        if (mapping == 0)
            return 0;

        nint user = align > page ? AlignmentMath.AlignUp(mapping, align) : mapping + dataLength - span;
        nint guardStart = user + span;
        if (!GuardPages.Protect(guardStart))
        {
            GuardPages.Unmap(mapping, length);
            return 0;
        }

        nint front = Math.Min(GuardBytes.Size, user - mapping);
        GuardBytes.Write(user - front, front);
        GuardBytes.Write(user + size, guardStart - user - size);
        return user;
    }

    /// <summary>Checks the guards of a recorded guarded block; null when they are intact.</summary>
    public static GuardViolation? Check(nint user, in RecordEntry entry)
    {
        nint size = entry.RequestedSize;
        nint frontStart, backLength;
        if (entry.Layout == BlockLayout.GuardBytes)
        {
            frontStart = entry.Raw;
            backLength = GuardBytes.Size;
        }
        else
        {
            nint align = entry.Alignment == 0 ? DefaultAlignment : entry.Alignment;
            frontStart = user - Math.Min(GuardBytes.Size, user - entry.Raw);
            backLength = AlignmentMath.AlignUp(size, align) - size;
        }

        string site = AllocationRecord.FormatCallSite(entry.File, entry.Line);
        nint overrun = GuardBytes.FindDamage(user + size, backLength);
        if (overrun >= 0)
            return new GuardViolation(user, size, MisuseKind.Overrun, overrun, site);
        nint underrun = GuardBytes.FindDamageFromEnd(frontStart, user - frontStart);
        if (underrun >= 0)
            return new GuardViolation(user, size, MisuseKind.Underrun, underrun, site);
        return null;
    }
}
