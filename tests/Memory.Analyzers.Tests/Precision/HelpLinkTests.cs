using System.Reflection;
using System.Runtime.Loader;
using System.Xml.Linq;
using Memory.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Memory.Analyzers.Tests.Precision;

/// <summary>Every diagnostic's help link reaches its rule page where a package user has the analyzers: in the restored package.</summary>
public sealed class HelpLinkTests
{
    private static readonly string RepositoryRoot = FindRepositoryRoot();

    [Fact]
    public void The_package_carries_the_rule_pages_beside_its_analyzers()
    {
        var project = XDocument.Load(Path.Combine(RepositoryRoot, "src", "Memory.Runtime", "Memory.Runtime.csproj"));
        var packed = project.Descendants("None")
            .Where(item => (string?)item.Attribute("Pack") == "true")
            .Select(item => ((string?)item.Attribute("Include"), (string?)item.Attribute("PackagePath")))
            .ToList();
        Assert.Contains((@"..\..\docs\rules\*.md", "docs/rules"), packed);
    }

    [Fact]
    public void Every_help_link_resolves_to_a_page_in_the_packed_layout()
    {
        // The package's layout: analyzers/dotnet/cs/Memory.Analyzers.dll and docs/rules/*.md, as the project packs them.
        string package = Path.Combine(Path.GetTempPath(), "memory-package-" + Guid.NewGuid().ToString("N"));
        string analyzers = Directory.CreateDirectory(Path.Combine(package, "analyzers", "dotnet", "cs")).FullName;
        string rules = Directory.CreateDirectory(Path.Combine(package, "docs", "rules")).FullName;
        var context = new AssemblyLoadContext("packed analyzers", isCollectible: true);
        try
        {
            string analyzerPath = Path.Combine(analyzers, "Memory.Analyzers.dll");
            File.Copy(typeof(Descriptors).Assembly.Location, analyzerPath);
            foreach (string page in Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "docs", "rules"), "*.md"))
                File.Copy(page, Path.Combine(rules, Path.GetFileName(page)));

            var descriptors = context.LoadFromAssemblyPath(analyzerPath).GetType(typeof(Descriptors).FullName!)!
                .GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(field => field.FieldType == typeof(DiagnosticDescriptor))
                .Select(field => (DiagnosticDescriptor)field.GetValue(null)!)
                .ToList();

            Assert.NotEmpty(descriptors);
            Assert.All(descriptors, descriptor =>
            {
                var link = new Uri(descriptor.HelpLinkUri);
                Assert.True(link.IsFile, descriptor.Id + ": " + descriptor.HelpLinkUri);
                Assert.Equal(Path.Combine(rules, descriptor.Id + ".md"), link.LocalPath);
                Assert.True(File.Exists(link.LocalPath), descriptor.Id + ": no page at " + link.LocalPath);
            });
        }
        finally
        {
            context.Unload();
            Directory.Delete(package, recursive: true);
        }
    }

    [Fact]
    public void The_repository_build_links_to_the_repository_pages_and_other_places_get_no_link()
    {
        string built = Path.Combine(RepositoryRoot, "src", "Memory.Analyzers", "bin", "Release", "netstandard2.0", "Memory.Analyzers.dll");
        var folder = new Uri(RulePages.Locate(built)!);
        Assert.True(File.Exists(Path.Combine(folder.LocalPath, "MEM0003.md")));

        Assert.Null(RulePages.Locate(Path.Combine(Path.GetTempPath(), "shadow", "1234", "Memory.Analyzers.dll")));
        Assert.Null(RulePages.Locate(""));
        Assert.Null(RulePages.Locate("Memory.Analyzers.dll"));
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Memory.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException("The tests run outside the repository.");
    }
}
