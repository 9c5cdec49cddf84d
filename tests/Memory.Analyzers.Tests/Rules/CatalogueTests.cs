using System.Reflection;
using Memory.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Memory.Analyzers.Tests.Rules;

/// <summary>The rule catalogue agrees with itself: analyzers, help pages, release tracking and code fixes.</summary>
public sealed class CatalogueTests
{
    private static readonly string RepositoryRoot = FindRepositoryRoot();

    public static TheoryData<string> RuleIds()
    {
        var data = new TheoryData<string>();
        foreach (var id in AllDescriptors().Select(d => d.Id))
            data.Add(id);
        return data;
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Every_rule_has_a_page_a_help_link_and_a_release_entry(string id)
    {
        var descriptor = AllDescriptors().Single(d => d.Id == id);
        Assert.Equal(Memory.Analyzers.Infrastructure.RulePages.Link(id), descriptor.HelpLinkUri);
        string page = File.ReadAllText(Path.Combine(RepositoryRoot, "docs", "rules", id + ".md"));
        foreach (string section in new[] { "## What it reports", "## Why", "## How to fix", "## Options", "## Examples" })
            Assert.Contains(section, page, StringComparison.Ordinal);

        string unshipped = File.ReadAllText(Path.Combine(RepositoryRoot, "src", "Memory.Analyzers", "AnalyzerReleases.Unshipped.md"));
        Assert.Contains($"{id} | {descriptor.Category} | {descriptor.DefaultSeverity} |", unshipped, StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_ids_are_unique_and_every_id_belongs_to_one_analyzer()
    {
        var ids = Analyzers().SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(AllDescriptors().Select(d => d.Id).Order(), ids.Order());
    }

    [Fact]
    public void Every_code_fix_fixes_known_rules_and_supports_fix_all()
    {
        var known = AllDescriptors().Select(d => d.Id).ToHashSet();
        var fixes = typeof(RawNewCodeFixProvider).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToList();
        Assert.True(fixes.Count >= 7);
        foreach (var fix in fixes)
        {
            Assert.All(fix.FixableDiagnosticIds, id => Assert.Contains(id, known));
            Assert.NotNull(fix.GetFixAllProvider());
            Assert.NotNull(fix.GetType().GetCustomAttribute<ExportCodeFixProviderAttribute>());
        }
    }

    private static IEnumerable<DiagnosticAnalyzer> Analyzers()
        => typeof(Descriptors).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!);

    private static IEnumerable<Microsoft.CodeAnalysis.DiagnosticDescriptor> AllDescriptors()
        => typeof(Descriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetValue(null))
            .OfType<Microsoft.CodeAnalysis.DiagnosticDescriptor>();

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Memory.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException("Memory.sln not found above " + AppContext.BaseDirectory);
    }
}
