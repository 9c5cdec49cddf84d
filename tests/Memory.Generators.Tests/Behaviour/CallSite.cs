using System.Runtime.CompilerServices;

namespace Memory.Generators.Tests.Behaviour;

/// <summary>Where the test itself stands, to compare with the call site tracking recorded.</summary>
internal static class CallSite
{
    public static int Line([CallerLineNumber] int line = 0) => line;

    public static string File([CallerFilePath] string file = "") => file;
}
