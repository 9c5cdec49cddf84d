using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace Memory.Analyzers.Tests.Verification;

/// <summary>
/// Checks a code fix on every <see cref="TestTarget"/>: the marked-up source's diagnostics first, then the text after
/// fixing them one by one (<see cref="VerifyFixAsync"/>) or all at once through the fix's FixAll provider
/// (<see cref="VerifyFixAllAsync"/>). The fixed text must compile, and its markup names the diagnostics that stay
/// (those the fix offers no action for, by design).
/// </summary>
/// <remarks>
/// Fixes that mint identifiers write fresh GUIDs; expected texts spell each new one <c>{NEW-GUID}</c>. A GUID whose
/// digits were in the sources before (in any spelling) is kept as written.
/// </remarks>
internal static partial class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public const string NewGuid = "{NEW-GUID}";

    /// <summary>Applies the fix to the first fixable diagnostic until none is left.</summary>
    public static Task VerifyFixAsync(string before, string after, string? editorConfig = null, string[]? otherSources = null,
        Func<Solution, ProjectId, Solution>? transform = null)
        => RunAsync(before, after, batchAfter: null, CodeFixTestBehaviors.SkipFixAllCheck, editorConfig, otherSources, transform);

    /// <summary>
    /// Applies the FixAll provider once, over <paramref name="scope"/>, and expects <paramref name="after"/>; one by one,
    /// the fix must reach <paramref name="afterOneByOne"/> (by default the same text).
    /// </summary>
    public static Task VerifyFixAllAsync(string before, string after, FixAllScope scope = FixAllScope.Document,
        string? editorConfig = null, string[]? otherSources = null, string? afterOneByOne = null)
        => RunAsync(before, afterOneByOne ?? after, after, OtherScopesSkipped(scope), editorConfig, otherSources, transform: null);

    /// <summary>
    /// A rule reported at the end of the compilation (a duplicate needs every type seen) is not a local diagnostic,
    /// which the testing package otherwise requires of a fixed one.
    /// </summary>
    private static CodeFixTestBehaviors ReportedAtCompilationEnd()
        => new TAnalyzer().SupportedDiagnostics.Any(rule => rule.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd))
            ? CodeFixTestBehaviors.SkipLocalDiagnosticCheck
            : CodeFixTestBehaviors.None;

    private static CodeFixTestBehaviors OtherScopesSkipped(FixAllScope scope) => scope switch
    {
        FixAllScope.Document => CodeFixTestBehaviors.SkipFixAllInProjectCheck | CodeFixTestBehaviors.SkipFixAllInSolutionCheck,
        FixAllScope.Project => CodeFixTestBehaviors.SkipFixAllInDocumentCheck | CodeFixTestBehaviors.SkipFixAllInSolutionCheck,
        FixAllScope.Solution => CodeFixTestBehaviors.SkipFixAllInDocumentCheck | CodeFixTestBehaviors.SkipFixAllInProjectCheck,
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "Not a scope the testing package checks"),
    };

    private static async Task RunAsync(string before, string after, string? batchAfter, CodeFixTestBehaviors behaviors,
        string? editorConfig, string[]? otherSources, Func<Solution, ProjectId, Solution>? transform)
    {
        string[] others = otherSources ?? [];
        foreach (TestTarget target in TestTarget.All)
        {
            var test = new Test(KnownGuids([before, .. others])) { CodeFixTestBehaviors = behaviors | ReportedAtCompilationEnd() };
            TestSetup.Configure(test, target, editorConfig);
            if (transform is not null)
                test.SolutionTransforms.Add(transform);
            TestSetup.AddSources(test.TestState, [before, .. others]);
            TestSetup.AddSources(test.FixedState, [WithSentinels(after), .. others]);
            // Markup in a fixed text states what stays reported, fixable rules included.
            test.FixedState.MarkupHandling = MarkupMode.Allow;
            if (batchAfter is not null)
            {
                TestSetup.AddSources(test.BatchFixedState, [WithSentinels(batchAfter), .. others]);
                test.BatchFixedState.MarkupHandling = MarkupMode.Allow;
            }
            await AnalyzerVerifier<TAnalyzer>.RunOnAsync(target, test.RunAsync);
        }
    }

    /// <summary>
    /// The n-th <c>{NEW-GUID}</c> of an expected text becomes the n-th sentinel GUID, a well-formed and distinct value,
    /// so the expected text itself compiles and analyses as the fixed one does.
    /// </summary>
    private static string WithSentinels(string text)
    {
        int count = 0;
        return Regex.Replace(text, Regex.Escape(NewGuid), _ => Sentinel(++count));
    }

    private static string Sentinel(int index) => $"{{00000000-0000-0000-0000-{index:D12}}}";

    /// <summary>
    /// The fix under test, with fresh GUIDs in what its actions change turned into sentinels, numbered on from those
    /// already in each document in the order they appear. A fix-all action is built by the fix's own provider and
    /// masked once, so the GUIDs it mints get distinct sentinels.
    /// </summary>
    private sealed class FreshGuidsAsSentinels(CodeFixProvider fix, HashSet<string> knownGuids) : CodeFixProvider
    {
        public override System.Collections.Immutable.ImmutableArray<string> FixableDiagnosticIds => fix.FixableDiagnosticIds;

        public override FixAllProvider? GetFixAllProvider()
            => fix.GetFixAllProvider() is { } fixAll ? new MaskedFixAll(fixAll, fix, knownGuids) : null;

        public override Task RegisterCodeFixesAsync(CodeFixContext context)
            => fix.RegisterCodeFixesAsync(new CodeFixContext(context.Document, context.Span, context.Diagnostics,
                (action, diagnostics) => context.RegisterCodeFix(new MaskedAction(action, knownGuids), (IEnumerable<Diagnostic>)diagnostics), context.CancellationToken));
    }

    private sealed class MaskedFixAll(FixAllProvider fixAll, CodeFixProvider fix, HashSet<string> knownGuids) : FixAllProvider
    {
        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => fixAll.GetSupportedFixAllScopes();

        public override async Task<CodeAction?> GetFixAsync(FixAllContext context)
        {
            var diagnostics = new SameDiagnostics(context);
            var ownContext = context.Document is { } document
                ? new FixAllContext(document, fix, context.Scope, context.CodeActionEquivalenceKey, context.DiagnosticIds, diagnostics, context.CancellationToken)
                : new FixAllContext(context.Project, fix, context.Scope, context.CodeActionEquivalenceKey, context.DiagnosticIds, diagnostics, context.CancellationToken);
            return await fixAll.GetFixAsync(ownContext) is { } action ? new MaskedAction(action, knownGuids) : null;
        }
    }

    private sealed class SameDiagnostics(FixAllContext context) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
            => Cast(context.GetDocumentDiagnosticsAsync(document));

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Cast(context.GetProjectDiagnosticsAsync(project));

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Cast(context.GetAllDiagnosticsAsync(project));

        private static async Task<IEnumerable<Diagnostic>> Cast(Task<System.Collections.Immutable.ImmutableArray<Diagnostic>> diagnostics)
            => await diagnostics;
    }

    private sealed class MaskedAction(CodeAction action, HashSet<string> knownGuids) : CodeAction
    {
        public override string Title => action.Title;

        public override string? EquivalenceKey => action.EquivalenceKey;

        protected override async Task<IEnumerable<CodeActionOperation>> ComputeOperationsAsync(CancellationToken cancellationToken)
        {
            var masked = new List<CodeActionOperation>();
            foreach (var operation in await action.GetOperationsAsync(cancellationToken))
            {
                masked.Add(operation is ApplyChangesOperation apply
                    ? new ApplyChangesOperation(await MaskAsync(apply.ChangedSolution, cancellationToken))
                    : operation);
            }
            return masked;
        }

        private async Task<Solution> MaskAsync(Solution solution, CancellationToken cancellationToken)
        {
            foreach (var document in solution.Projects.SelectMany(project => project.Documents).ToList())
            {
                var text = await document.GetTextAsync(cancellationToken);
                string original = text.ToString();
                int count = SentinelPattern().Matches(original).Count;
                string masked = BracedGuid().Replace(original, match =>
                    knownGuids.Contains(Digits(match.Value)) || SentinelPattern().IsMatch(match.Value) ? match.Value : Sentinel(++count));
                if (!string.Equals(masked, original, StringComparison.Ordinal))
                    solution = solution.WithDocumentText(document.Id, SourceText.From(masked, text.Encoding, text.ChecksumAlgorithm));
            }
            return solution;
        }
    }

    private static string Digits(string bracedGuid) => bracedGuid[1..^1].Replace("-", "", StringComparison.Ordinal).ToUpperInvariant();

    private static HashSet<string> KnownGuids(IEnumerable<string> sources)
        => sources.SelectMany(source => GuidDigits().Matches(source.Replace("-", "", StringComparison.Ordinal)))
            .Select(match => match.Value.ToUpperInvariant())
            .ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"[0-9A-Fa-f]{32}")]
    private static partial Regex GuidDigits();

    [GeneratedRegex(@"\{00000000-0000-0000-0000-[0-9]{12}\}")]
    private static partial Regex SentinelPattern();

    [GeneratedRegex(@"\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}")]
    private static partial Regex BracedGuid();

    private sealed class Test(HashSet<string> knownGuids) : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    {
        protected override DiagnosticDescriptor? GetDefaultDiagnostic(DiagnosticAnalyzer[] analyzers)
            => analyzers[0].SupportedDiagnostics[0];

        protected override IEnumerable<CodeFixProvider> GetCodeFixProviders()
            => base.GetCodeFixProviders().Select(fix => new FreshGuidsAsSentinels(fix, knownGuids));
    }
}
