using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Memory.Analyzers.Tests.Verification;

/// <summary>
/// Runs <typeparamref name="TAnalyzer"/> over marked-up sources and checks that it reports exactly the marked
/// spans: <c>[|...|]</c> for its first (or only) rule, <c>{|MEMxxxx:...|}</c> for a named one.
/// </summary>
internal static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>The ID <c>[|...|]</c> stands for.</summary>
    public static string DefaultId => new TAnalyzer().SupportedDiagnostics[0].Id;

    public static Task VerifyAsync(string markup, string? editorConfig = null) => VerifyAsync([markup], editorConfig);

    public static async Task VerifyAsync(string[] markups, string? editorConfig = null, string assemblyName = "TestProject",
        bool referenceRuntime = true)
    {
        var parsed = markups.Select(Markup.Parse).ToArray();
        var project = TestProject.Create(TestProject.Named(parsed.Select(m => m.Text)), editorConfig, assemblyName, referenceRuntime);
        await VerifyProjectAsync(project, parsed);
    }

    /// <summary>Checks the diagnostics of a project whose first documents carry <paramref name="markups"/>.</summary>
    public static async Task VerifyProjectAsync(Project project, IReadOnlyList<Markup> markups)
    {
        var errors = await TestProject.CompilerErrorsAsync(project);
        Assert.True(errors.IsEmpty, "The test source does not compile:\n" + string.Join("\n", errors));

        var expected = new List<string>();
        for (int i = 0; i < markups.Count; i++)
        {
            foreach (var (id, span) in markups[i].Spans)
                expected.Add(Describe(id ?? DefaultId, "Test" + i + ".cs", span, markups[i].Text));
        }

        var actual = new List<string>();
        foreach (var diagnostic in await GetDiagnosticsAsync(project))
        {
            var tree = diagnostic.Location.SourceTree!;
            actual.Add(Describe(diagnostic.Id, Path.GetFileName(tree.FilePath), diagnostic.Location.SourceSpan, tree.ToString()));
        }

        expected.Sort(StringComparer.Ordinal);
        actual.Sort(StringComparer.Ordinal);
        Assert.True(expected.SequenceEqual(actual),
            "Expected:\n  " + string.Join("\n  ", expected) + "\nActual:\n  " + string.Join("\n  ", actual));
    }

    /// <summary>The analyzer's diagnostics (and analyzer failures, AD0001), as the compiler would report them.</summary>
    public static async Task<ImmutableArray<Diagnostic>> GetDiagnosticsAsync(Project project)
    {
        var compilation = await project.GetCompilationAsync() ?? throw new InvalidOperationException("No compilation");
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new TAnalyzer());
        var options = new CompilationWithAnalyzersOptions(project.AnalyzerOptions, onAnalyzerException: null,
            concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAllDiagnosticsAsync();
        var ids = analyzers[0].SupportedDiagnostics.Select(d => d.Id).Append("AD0001").ToHashSet();
        return [.. diagnostics.Where(d => ids.Contains(d.Id)).OrderBy(d => d.Location.SourceTree?.FilePath).ThenBy(d => d.Location.SourceSpan.Start)];
    }

    private static string Describe(string id, string file, TextSpan span, string text)
        => $"{id} {file}({span.Start}..{span.End}) '{text.Substring(span.Start, span.Length)}'";
}
