using System.Text.RegularExpressions;

namespace Memory.Package.Tests;

/// <summary>The pages' C# compiles against the packed package, and the quick start works as a newcomer meets it.</summary>
[Collection(PackageCollection.Name)]
public sealed partial class DocumentationTests(PackageFixture package)
{
    [Fact]
    public void Every_complete_csharp_block_of_the_pages_compiles_against_the_package()
    {
        var blocks = DocumentationBlocks.All();
        var complete = blocks.Where(b => !b.IsFragment).ToList();
        Assert.Contains(DocumentationBlocks.QuickStart(), complete);

        // One project per block (each may have top-level statements), built together by one solution.
        string folder = ConsumerFolder.Create(package, "documentation");
        var projects = new List<string>();
        for (int i = 0; i < complete.Count; i++)
        {
            string name = $"Block{i}";
            Directory.CreateDirectory(Path.Combine(folder, name));
            File.WriteAllText(Path.Combine(folder, name, name + ".csproj"), ConsoleProject.For(package.Version));
            File.WriteAllText(Path.Combine(folder, name, "Program.cs"), $"// {complete[i]}\n" + complete[i].Code);
            // A block of declarations only still builds as a program; beside top-level statements this is ignored (CS7022).
            File.WriteAllText(Path.Combine(folder, name, "Entry.cs"), "internal static class DocumentationEntry { private static void Main() { } }\n");
            projects.Add($"  <Project Path=\"{name}/{name}.csproj\" />");
        }
        File.WriteAllText(Path.Combine(folder, "Documentation.slnx"), "<Solution>\n" + string.Join("\n", projects) + "\n</Solution>\n");

        var (exitCode, output) = DotNetCli.Run(folder, "build", "Documentation.slnx", "-c", "Release");
        Assert.True(exitCode == 0,
            $"A C# block of the pages does not compile (its file and line open each Program.cs; mark excerpts ```csharp fragment):\n{output}");

        // A line the page says is reported (`// MEM0007`) is reported with that rule; a line it calls fine is not reported.
        for (int i = 0; i < complete.Count; i++)
        {
            string[] lines = complete[i].Code.Split('\n');
            for (int line = 0; line < lines.Length; line++)
            {
                string reported = $"Block{i}{Path.DirectorySeparatorChar}Program.cs({line + 2},";
                var rule = RuleComment().Match(lines[line]);
                if (rule.Success)
                    Assert.True(output.Split('\n').Any(l => l.Contains(reported, StringComparison.Ordinal) && l.Contains($"warning {rule.Groups[1].Value}", StringComparison.Ordinal)),
                        $"{complete[i].File}:{complete[i].Line + line} says {rule.Groups[1].Value}, and the build does not report it there:\n{output}");
                else if (lines[line].Contains("// fine", StringComparison.Ordinal))
                    Assert.False(output.Split('\n').Any(l => l.Contains(reported, StringComparison.Ordinal) && l.Contains("warning MEM", StringComparison.Ordinal)),
                        $"{complete[i].File}:{complete[i].Line + line} says fine, and the build reports a rule there:\n{output}");
            }
        }
    }

    [GeneratedRegex(@"//\s*(MEM\d{4})\b")]
    private static partial Regex RuleComment();

    [Fact]
    public void QuickStart_in_a_new_console_project_with_the_install_line_builds_without_warnings_and_runs()
    {
        string folder = ConsumerFolder.Create(package, "quick-start");
        var (newExit, newOutput) = DotNetCli.Run(folder, "new", "console", "--name", "QuickStart", "--output", ".", "--framework", "net10.0");
        Assert.True(newExit == 0, newOutput);
        string project = File.ReadAllText(Path.Combine(folder, "QuickStart.csproj"));
        Assert.Contains("<ImplicitUsings>enable</ImplicitUsings>", project);
        Assert.Contains("<Nullable>enable</Nullable>", project);

        // The README's line as printed; the version pins this run's build of the package.
        var (addExit, addOutput) = DotNetCli.Run(folder, [.. DocumentationBlocks.InstallCommand(), "--version", package.Version]);
        Assert.True(addExit == 0, addOutput);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), DocumentationBlocks.QuickStart().Code);

        var (buildExit, buildOutput) = DotNetCli.Run(folder, "build", "-c", "Release", "-warnaserror");
        Assert.True(buildExit == 0, buildOutput);
        Assert.DoesNotContain(": warning ", buildOutput);

        var (runExit, output) = DotNetCli.Run(folder, "run", "-c", "Release", "--no-build");
        Assert.True(runExit == 0, output);
        Assert.Contains("body at (2, 2)", output);
        Assert.Contains("PhysicsAllocator", output);
    }
}
