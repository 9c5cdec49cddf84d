using System.Collections.Immutable;
using System.Composition;
using Memory.Analyzers.CodeFixes.Infrastructure;
using Memory.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace Memory.Analyzers.CodeFixes;

/// <summary>
/// MEM0030: the statements after the declaration of a leaked block, to the end of its block, go into a <c>try</c>
/// whose <c>finally</c> frees it with the call that matches its creation (<c>Az.Free&lt;X&gt;</c>, <c>DeAllocate</c>,
/// <c>T.Destroy</c>, <c>Dispose</c>, <c>NativeMemory.Free</c>, ...).
/// </summary>
/// <remarks>
/// The analyzer offers the fix only when it is safe: the block initialises a local declared alone, directly in a
/// block, that nothing else writes, frees, stores or passes on. Then freeing once on every way out of the block is
/// exactly what is missing. Fix All wraps the last declaration of a block first, so that the earlier ones enclose it.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FreeInFinallyCodeFixProvider)), Shared]
public sealed class FreeInFinallyCodeFixProvider : DocumentFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [Descriptors.NativeLeak.Id];

    /// <inheritdoc/>
    protected override string Title => "Free it in a finally";

    /// <inheritdoc/>
    protected override async Task<bool> CanFixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return root is not null && Target(root, diagnostic) is not null;
    }

    /// <inheritdoc/>
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
            return document;
        var targets = diagnostics.Select(diagnostic => Target(root, diagnostic)).OfType<(LocalDeclarationStatementSyntax Declaration, StatementSyntax Free)>()
            .GroupBy(target => target.Declaration).Select(group => group.First())
            .OrderByDescending(target => target.Declaration.SpanStart).ToList();
        if (targets.Count == 0)
            return document;

        var tracked = root.TrackNodes(targets.Select(target => target.Declaration));
        foreach (var (declaration, free) in targets)
        {
            if (tracked.GetCurrentNode(declaration) is not { Parent: BlockSyntax block } current)
                continue;
            int index = block.Statements.IndexOf(current);
            var kept = block.Statements.Take(index + 1);
            var rest = block.Statements.Skip(index + 1).ToList();
            StatementSyntax added = rest.Count == 0
                ? free
                : SyntaxFactory.TryStatement(SyntaxFactory.Block(rest), default, SyntaxFactory.FinallyClause(SyntaxFactory.Block(free)));
            var statements = SyntaxFactory.List(kept.Append(added.WithAdditionalAnnotations(Formatter.Annotation)));
            tracked = tracked.ReplaceNode(block, block.WithStatements(statements));
        }
        var changed = document.WithSyntaxRoot(tracked);
        return await Formatter.FormatAsync(changed, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The declaration to wrap after, and the statement that frees its block; null when the analyzer offered none.</summary>
    private static (LocalDeclarationStatementSyntax Declaration, StatementSyntax Free)? Target(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(NativeLifetimeAnalyzer.FreeStatementProperty, out string? text) || string.IsNullOrEmpty(text))
            return null;
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (node.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>() is not { Parent: BlockSyntax } declaration)
            return null;
        var free = SyntaxFactory.ParseStatement(text!);
        return free.ContainsDiagnostics ? null : (declaration, free);
    }
}
