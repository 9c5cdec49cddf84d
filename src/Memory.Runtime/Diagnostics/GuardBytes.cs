using System.Security.Cryptography;

namespace Memory.Diagnostics;

/// <summary>
/// The guard bytes around blocks in <see cref="OverrunDetection.GuardBytes"/> mode (and in the alignment
/// slack of <see cref="OverrunDetection.GuardPage"/> blocks): a pattern drawn at random once per process,
/// so no program can write the right values by accident, written when a block is handed out and compared
/// when it is freed.
/// </summary>
internal static class GuardBytes
{
    /// <summary>Guard bytes after the end of a block: every overrun of up to this many bytes is caught.</summary>
    public const int Size = 16;

    private const int PatternLength = 64;

    // Guard byte i of a guard region is Pattern[i % PatternLength].
    private static readonly byte[] Pattern = RandomNumberGenerator.GetBytes(PatternLength);

    /// <summary>
    /// Bytes before a block of <paramref name="alignment"/>: at least <see cref="Size"/>, and a multiple
    /// of the alignment so that the user's pointer keeps it (16 is a multiple of every smaller one).
    /// </summary>
    public static nint FrontSize(nint alignment) => Math.Max(Size, alignment);

    /// <summary>Fills <paramref name="length"/> bytes at <paramref name="start"/> with the pattern.</summary>
    public static unsafe void Write(nint start, nint length)
    {
        var pattern = Pattern.AsSpan();
        for (nint done = 0; done < length; done += PatternLength)
        {
            int chunk = (int)Math.Min(PatternLength, length - done);
            pattern[..chunk].CopyTo(new Span<byte>((void*)(start + done), chunk));
        }
    }

    /// <summary>The offset of the first byte of the region that no longer holds the pattern, or -1.</summary>
    public static unsafe nint FindDamage(nint start, nint length)
    {
        var pattern = Pattern.AsSpan();
        for (nint done = 0; done < length; done += PatternLength)
        {
            int chunk = (int)Math.Min(PatternLength, length - done);
            var actual = new ReadOnlySpan<byte>((void*)(start + done), chunk);
            if (!actual.SequenceEqual(pattern[..chunk]))
                return done + actual.CommonPrefixLength(pattern[..chunk]);
        }
        return -1;
    }

    /// <summary>
    /// How far before the end of the region its damaged byte nearest that end lies (1 for the last byte),
    /// or -1: for the guard before a block, how many bytes before the block an underrun reached.
    /// </summary>
    public static unsafe nint FindDamageFromEnd(nint start, nint length)
    {
        for (nint i = length - 1; i >= 0; i--)
        {
            if (*(byte*)(start + i) != Pattern[(int)(i % PatternLength)])
                return length - i;
        }
        return -1;
    }
}
