using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Memory.Analyzers.Tests.Verification;

/// <summary>
/// Checks a code fix: the marked-up source's diagnostics first, then the text after fixing them one by one
/// (<see cref="VerifyFixAsync"/>) or all at once through the fix's FixAll provider (<see cref="VerifyFixAllAsync"/>).
/// The fixed text must compile without errors.
/// </summary>
internal static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    private const int MaxIterations = 50;

    /// <summary>Applies the fix to the first fixable diagnostic until none is left.</summary>
    public static async Task VerifyFixAsync(string before, string after, string? editorConfig = null, string[]? otherSources = null)
    {
        var (project, document) = await CreateAsync(before, editorConfig, otherSources);
        var fix = new TCodeFix();
        for (int iteration = 0; ; iteration++)
        {
            Assert.True(iteration < MaxIterations, "The fix does not converge");
            var diagnostic = (await FixableDiagnosticsAsync(project, fix)).FirstOrDefault();
            if (diagnostic is null)
                break;
            var action = await FirstActionAsync(project.GetDocument(diagnostic.Location.SourceTree!)!, diagnostic, fix);
            project = await ApplyAsync(action!, project);
        }
        await AssertFixedAsync(project.GetDocument(document.Id)!, after, before);
    }

    /// <summary>Applies the FixAll provider once, over <paramref name="scope"/>; nothing fixable may remain.</summary>
    public static async Task VerifyFixAllAsync(string before, string after, FixAllScope scope = FixAllScope.Document,
        string? editorConfig = null, string[]? otherSources = null)
    {
        var (project, document) = await CreateAsync(before, editorConfig, otherSources);
        var fix = new TCodeFix();
        var diagnostics = await FixableDiagnosticsAsync(project, fix);
        Assert.NotEmpty(diagnostics);
        var first = diagnostics[0];
        var firstDocument = project.GetDocument(first.Location.SourceTree!)!;
        var action = (await FirstActionAsync(firstDocument, first, fix))!;

        var fixAll = fix.GetFixAllProvider();
        Assert.NotNull(fixAll);
        var context = new FixAllContext(firstDocument, fix, scope, action.EquivalenceKey!, fix.FixableDiagnosticIds,
            new FixedDiagnostics(diagnostics), CancellationToken.None);
        var fixAllAction = await fixAll.GetFixAsync(context);
        Assert.NotNull(fixAllAction);
        project = await ApplyAsync(fixAllAction, project);

        Assert.Empty(await FixableDiagnosticsAsync(project, fix));
        await AssertFixedAsync(project.GetDocument(document.Id)!, after, before);
    }

    private static async Task<(Project Project, Document Document)> CreateAsync(string before, string? editorConfig, string[]? otherSources)
    {
        var markups = new[] { before }.Concat(otherSources ?? []).Select(Markup.Parse).ToArray();
        var project = TestProject.Create(TestProject.Named(markups.Select(m => m.Text)), editorConfig);
        await AnalyzerVerifier<TAnalyzer>.VerifyProjectAsync(project, markups);
        return (project, project.Documents.First(d => d.Name == "Test0.cs"));
    }

    /// <summary>The diagnostics the fix offers an action for (some diagnostics have none by design).</summary>
    private static async Task<ImmutableArray<Diagnostic>> FixableDiagnosticsAsync(Project project, CodeFixProvider fix)
    {
        var fixable = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var diagnostic in await AnalyzerVerifier<TAnalyzer>.GetDiagnosticsAsync(project))
        {
            if (fix.FixableDiagnosticIds.Contains(diagnostic.Id)
                && await FirstActionAsync(project.GetDocument(diagnostic.Location.SourceTree!)!, diagnostic, fix) is not null)
                fixable.Add(diagnostic);
        }
        return fixable.ToImmutable();
    }

    private static async Task<CodeAction?> FirstActionAsync(Document document, Diagnostic diagnostic, CodeFixProvider fix)
    {
        var actions = new List<CodeAction>();
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        return actions.FirstOrDefault();
    }

    private static async Task<Project> ApplyAsync(CodeAction action, Project project)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var apply = operations.OfType<ApplyChangesOperation>().Single();
        return apply.ChangedSolution.GetProject(project.Id)!;
    }

    private static async Task AssertFixedAsync(Document document, string expected, string before)
    {
        var text = (await document.GetTextAsync()).ToString();
        string actual = Normalize(MaskNewGuids(text, before));
        Assert.True(Normalize(expected) == actual, "The fixed text differs. Expected:\n" + Normalize(expected) + "\nActual:\n" + actual);
        var errors = await TestProject.CompilerErrorsAsync(document.Project);
        Assert.True(errors.IsEmpty, "The fixed source does not compile:\n" + string.Join("\n", errors) + "\n" + text);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    /// <summary>
    /// Fixes that mint identifiers write fresh GUIDs; expected texts spell each new one <c>{NEW-GUID}</c>. A GUID whose
    /// digits were in the source before (in any spelling) is kept as written.
    /// </summary>
    private static string MaskNewGuids(string text, string before)
    {
        string beforeDigits = before.Replace("-", "", StringComparison.Ordinal).ToUpperInvariant();
        return System.Text.RegularExpressions.Regex.Replace(text,
            @"\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}",
            match => beforeDigits.Contains(match.Value[1..^1].Replace("-", "", StringComparison.Ordinal).ToUpperInvariant(), StringComparison.Ordinal)
                ? match.Value
                : "{NEW-GUID}");
    }

    /// <summary>Hands the FixAll provider the diagnostics computed up front, per document or project.</summary>
    private sealed class FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
            => Task.FromResult(diagnostics.Where(d => d.Location.SourceTree?.FilePath == document.FilePath));

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }
}
