using System.Collections.Immutable;
using System.Composition;
using Memory.Analyzers.CodeFixes.Infrastructure;
using Memory.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Memory.Analyzers.CodeFixes;

/// <summary>
/// MEM0017 and MEM0018: writes the identifier in registry form when it is a GUID in another spelling
/// (<c>N</c>, <c>P</c>, <c>X</c>), and otherwise replaces it with a new GUID. Fixing all duplicates of a document keeps
/// the first occurrence of each identifier in that document.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TypeIdCodeFixProvider)), Shared]
public sealed class TypeIdCodeFixProvider : DocumentFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [Descriptors.MalformedTypeId.Id, Descriptors.DuplicateTypeId.Id];

    /// <inheritdoc/>
    protected override string Title => "Fix the type identifier";

    /// <inheritdoc/>
    protected override async Task<bool> CanFixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return root is not null && Argument(root, diagnostic) is not null;
    }

    /// <inheritdoc/>
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var seen = new HashSet<Guid>();
        bool single = diagnostics.Length == 1;
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (Argument(editor.OriginalRoot, diagnostic) is not { } argument)
                continue;
            string? text = argument.Expression is LiteralExpressionSyntax literal ? literal.Token.ValueText : null;
            string replacement;
            if (diagnostic.Id == Descriptors.DuplicateTypeId.Id)
            {
                // Within one pass over several duplicates, the first of each identifier stays.
                if (!single && TypeIds.TryParse(text, out var id) && seen.Add(id))
                    continue;
                replacement = NewId();
            }
            else
            {
                replacement = Guid.TryParse(text?.Trim() ?? string.Empty, out var parsed) ? parsed.ToString("B").ToUpperInvariant() : NewId();
            }
            editor.ReplaceNode(argument.Expression, SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression,
                SyntaxFactory.Literal(replacement)).WithTriviaFrom(argument.Expression));
        }
        return editor.GetChangedDocument();
    }

    private static string NewId() => Guid.NewGuid().ToString("B").ToUpperInvariant();

    private static AttributeArgumentSyntax? Argument(SyntaxNode root, Diagnostic diagnostic)
        => SyntaxHelpers.FindAt<AttributeArgumentSyntax>(root, diagnostic);
}
