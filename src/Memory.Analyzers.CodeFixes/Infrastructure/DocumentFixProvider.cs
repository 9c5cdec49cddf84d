using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Memory.Analyzers.CodeFixes.Infrastructure;

/// <summary>
/// A code fix written once for a set of diagnostics in one document: a single fix passes one diagnostic, FixAll
/// passes all of a document's at once, so fixes that touch the same declaration (two fields of one class, a type
/// and its containing type) compose instead of conflicting.
/// </summary>
public abstract class DocumentFixProvider : CodeFixProvider
{
    /// <summary>The title shown for the fix.</summary>
    protected abstract string Title { get; }

    /// <summary>Identifies the fix for FixAll; one per provider.</summary>
    protected string EquivalenceKey => GetType().Name;

    /// <summary>Whether the fix can be offered for <paramref name="diagnostic"/>.</summary>
    protected abstract Task<bool> CanFixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken);

    /// <summary>Fixes <paramref name="diagnostics"/>, all in <paramref name="document"/>; ones it cannot fix are left alone.</summary>
    protected abstract Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken);

    /// <inheritdoc/>
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!await CanFixAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false))
                continue;
            context.RegisterCodeFix(
                CodeAction.Create(Title, token => FixAsync(context.Document, [diagnostic], token), EquivalenceKey),
                diagnostic);
        }
    }

    /// <inheritdoc/>
    public sealed override FixAllProvider GetFixAllProvider() => new FixAll(this);

    private sealed class FixAll(DocumentFixProvider provider) : DocumentBasedFixAllProvider
    {
        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
            => diagnostics.IsEmpty ? null : await provider.FixAsync(document, diagnostics, fixAllContext.CancellationToken).ConfigureAwait(false);
    }
}
