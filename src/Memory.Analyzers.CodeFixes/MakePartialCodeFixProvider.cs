using System.Collections.Immutable;
using System.Composition;
using Memory.Analyzers.CodeFixes.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Memory.Analyzers.CodeFixes;

/// <summary>MEM0010 and MEM0011: makes the type, or the types containing it, partial.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider)), Shared]
public sealed class MakePartialCodeFixProvider : DocumentFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        [Descriptors.TypeNotPartial.Id, Descriptors.ContainingTypeNotPartial.Id];

    /// <inheritdoc/>
    protected override string Title => "Make partial";

    /// <inheritdoc/>
    protected override async Task<bool> CanFixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return root is not null && Targets(root, diagnostic).Any();
    }

    /// <inheritdoc/>
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var done = new HashSet<TypeDeclarationSyntax>();
        foreach (var declaration in diagnostics.SelectMany(d => Targets(editor.OriginalRoot, d)))
        {
            if (done.Add(declaration))
                editor.ReplaceNode(declaration, (current, _) => SyntaxHelpers.WithPartial((TypeDeclarationSyntax)current));
        }
        return editor.GetChangedDocument();
    }

    /// <summary>The declarations to make partial: the type itself for MEM0010, its non-partial containers for MEM0011.</summary>
    private static IEnumerable<TypeDeclarationSyntax> Targets(SyntaxNode root, Diagnostic diagnostic)
    {
        var declaration = SyntaxHelpers.FindAt<TypeDeclarationSyntax>(root, diagnostic);
        if (declaration is null)
            return [];
        var candidates = diagnostic.Id == Descriptors.TypeNotPartial.Id
            ? [declaration]
            : declaration.Ancestors().OfType<TypeDeclarationSyntax>();
        return candidates.Where(d => !d.Modifiers.Any(SyntaxKind.PartialKeyword));
    }
}
