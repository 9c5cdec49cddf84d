using System.Globalization;
using Memory.Generators.Model;

namespace Memory.Generators;

/// <summary>
/// The file name of a generated type: <c>Namespace.Type.g.cs</c>, unique under case-insensitive comparison
/// (the compiler compares hint names ignoring case) and short enough for any file system.
/// </summary>
/// <remarks>
/// The readable part is the type's namespace and metadata names (<c>Game.Buffer`1.Node</c>), which are unique
/// per type when case counts. It takes a suffix, a hash of that exact name, when another type's name differs
/// only in case, or when it is longer than <see cref="MaxReadableLength"/> (it is then cut there). Two different
/// names hash alike with negligible probability (64 bits).
/// </remarks>
internal static class HintNames
{
    /// <summary>The longest readable part kept; with suffix and extension a hint name stays under 110 characters.</summary>
    public const int MaxReadableLength = 80;

    public static string For(string typeName, EquatableArray<string> caseCollisions)
    {
        bool collides = caseCollisions.Count > 0 && Contains(caseCollisions, typeName.ToUpperInvariant());
        if (!collides && typeName.Length <= MaxReadableLength)
            return typeName + ".g.cs";
        string readable = typeName.Length <= MaxReadableLength ? typeName : typeName.Substring(0, MaxReadableLength);
        return readable + "." + Hash(typeName) + ".g.cs";
    }

    /// <summary>A stable 64-bit FNV-1a hash of the name's UTF-16 code units, as 16 lower-case hex digits.</summary>
    public static string Hash(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    private static bool Contains(EquatableArray<string> names, string name)
    {
        foreach (string candidate in names)
        {
            if (candidate == name)
                return true;
        }
        return false;
    }
}
