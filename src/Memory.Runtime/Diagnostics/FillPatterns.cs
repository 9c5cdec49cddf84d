using System.Runtime.InteropServices;

namespace Memory.Diagnostics;

/// <summary>
/// The bytes checked mode writes into blocks, so that reading memory that was never written, or was
/// already freed, shows up as a recognisable value in a debugger or a test.
/// </summary>
public static class FillPatterns
{
    /// <summary>Written over every fresh block before it is handed out (as MSVC's debug heap does).</summary>
    public const byte Fresh = 0xCD;

    /// <summary>Written over every block as it is freed, before the schema gets it back.</summary>
    public const byte Freed = 0xDD;

    internal static unsafe void Fill(nint pointer, nint length, byte value)
    {
        if (length > 0)
            NativeMemory.Fill((void*)pointer, (nuint)length, value);
    }
}
