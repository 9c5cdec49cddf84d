using System.Text.RegularExpressions;

namespace Memory.Package.Tests;

/// <summary>A fenced C# block of README.md or docs/: its page, the line of its first code line, whether it is marked an excerpt.</summary>
internal sealed record DocumentationBlock(string File, int Line, string Code, bool IsFragment)
{
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>
/// Reads the C# blocks of the repository's pages. A block whose info string is <c>csharp fragment</c> is an excerpt;
/// every other <c>csharp</c> (or <c>cs</c>, <c>c#</c>) block claims to compile as a program on its own.
/// </summary>
internal static partial class DocumentationBlocks
{
    public static IReadOnlyList<DocumentationBlock> All()
    {
        string root = DotNetCli.RepositoryRoot;
        var pages = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal);
        return [.. pages.SelectMany(page => Read(Path.GetRelativePath(root, page), File.ReadAllLines(page)))];
    }

    /// <summary>The first complete block of README.md's "Quick start".</summary>
    public static DocumentationBlock QuickStart()
    {
        string[] lines = File.ReadAllLines(Path.Combine(DotNetCli.RepositoryRoot, "README.md"));
        int section = Array.FindIndex(lines, l => l.Trim() == "## Quick start");
        Assert.True(section >= 0, "README.md has no '## Quick start' section");
        return Read("README.md", lines).First(b => b.Line > section && !b.IsFragment);
    }

    /// <summary>The README's install line: the first <c>dotnet add package</c> command in it.</summary>
    public static string[] InstallCommand()
    {
        string line = File.ReadAllLines(Path.Combine(DotNetCli.RepositoryRoot, "README.md"))
            .Select(l => l.Trim())
            .First(l => l.StartsWith("dotnet add package ", StringComparison.Ordinal));
        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
    }

    private static IEnumerable<DocumentationBlock> Read(string file, string[] lines)
    {
        for (int i = 0; i < lines.Length; i++)
        {
            var open = Fence().Match(lines[i]);
            if (!open.Success)
                continue;
            string indent = open.Groups["indent"].Value;
            int start = i + 1;
            int end = start;
            while (end < lines.Length && lines[end].Trim() != "```")
                end++;
            i = end;
            string language = open.Groups["language"].Value;
            if (language is not ("csharp" or "cs" or "c#"))
                continue;
            var code = lines[start..Math.Min(end, lines.Length)].Select(l => l.StartsWith(indent, StringComparison.Ordinal) ? l[indent.Length..] : l);
            bool fragment = open.Groups["rest"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("fragment");
            yield return new DocumentationBlock(file, start + 1, string.Join("\n", code) + "\n", fragment);
        }
    }

    [GeneratedRegex(@"^(?<indent>\s*)```(?<language>[^\s`]+)(?<rest>.*)$")]
    private static partial Regex Fence();
}
