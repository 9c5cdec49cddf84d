namespace Memory.Analyzers.Infrastructure;

/// <summary>
/// Where a diagnostic's help link points: the rule's page on the disk of the user, found from where the analyzer
/// itself was loaded. The package carries the pages beside its analyzers (<c>docs/rules/MEMxxxx.md</c>, see
/// <c>Memory.Runtime.csproj</c>), so a link is an absolute <c>file:</c> URI that exists once the package is
/// restored; the repository's own build links to the repository's pages.
/// </summary>
/// <remarks>
/// The project has no public web address to link to. Where the analyzer was loaded from a copy elsewhere (an IDE
/// that shadow-copies analyzers), no layout matches and the link is left empty rather than pointing nowhere; the
/// diagnostic's description carries the rule's guidance in every case.
/// </remarks>
internal static class RulePages
{
    private static readonly string? s_folder = Locate(typeof(RulePages).Assembly.Location);

    /// <summary>The help link of rule <paramref name="id"/>, or an empty string when the pages are not known.</summary>
    public static string Link(string id) => s_folder is null ? string.Empty : s_folder + id + ".md";

    /// <summary>
    /// The <c>file:</c> URI of the rule pages' folder (ending in a slash) for an analyzer assembly at
    /// <paramref name="assemblyPath"/>: <c>&lt;package&gt;/analyzers/dotnet/cs/</c> → <c>&lt;package&gt;/docs/rules/</c>,
    /// <c>&lt;repository&gt;/src/Memory.Analyzers/bin/&lt;configuration&gt;/&lt;framework&gt;/</c> → <c>&lt;repository&gt;/docs/rules/</c>.
    /// Null for any other place.
    /// </summary>
    public static string? Locate(string? assemblyPath)
    {
        if (string.IsNullOrEmpty(assemblyPath) || !Path.IsPathRooted(assemblyPath))
            return null;
        string? folder = Path.GetDirectoryName(assemblyPath);
        string? root = Up(folder, "cs", "dotnet", "analyzers") ?? Up(Parent(Parent(folder)), "bin", "Memory.Analyzers", "src");
        return root is null ? null : new Uri(Path.Combine(root, "docs", "rules") + Path.DirectorySeparatorChar).AbsoluteUri;
    }

    /// <summary>The folder above <paramref name="folder"/> when its last folders are named <paramref name="names"/>, innermost first.</summary>
    private static string? Up(string? folder, params string[] names)
    {
        foreach (string name in names)
        {
            if (folder is null || !string.Equals(Path.GetFileName(folder), name, StringComparison.OrdinalIgnoreCase))
                return null;
            folder = Path.GetDirectoryName(folder);
        }
        return folder;
    }

    private static string? Parent(string? folder) => folder is null ? null : Path.GetDirectoryName(folder);
}
