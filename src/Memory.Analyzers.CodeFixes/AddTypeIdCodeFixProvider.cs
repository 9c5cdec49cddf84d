using System.Collections.Immutable;
using System.Composition;
using Memory.Analyzers.CodeFixes.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;

namespace Memory.Analyzers.CodeFixes;

/// <summary>MEM0005: adds <c>[TypeId("{new GUID}")]</c> to the allocator and makes it partial, so the generator implements it.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddTypeIdCodeFixProvider)), Shared]
public sealed class AddTypeIdCodeFixProvider : DocumentFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [Descriptors.AllocatorWithoutTypeId.Id];

    /// <inheritdoc/>
    protected override string Title => "Add [TypeId] with a new identifier";

    /// <inheritdoc/>
    protected override async Task<bool> CanFixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return model?.Compilation.GetTypeByMetadataName("Memory.TypeIdAttribute") is not null;
    }

    /// <inheritdoc/>
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var typeId = editor.SemanticModel.Compilation.GetTypeByMetadataName("Memory.TypeIdAttribute");
        if (typeId is null)
            return document;
        foreach (var diagnostic in diagnostics)
        {
            if (SyntaxHelpers.FindAt<TypeDeclarationSyntax>(editor.OriginalRoot, diagnostic) is not { } declaration)
                continue;
            var attribute = editor.Generator.Attribute(SyntaxHelpers.TypeReference(editor.Generator, typeId),
                [editor.Generator.LiteralExpression(Guid.NewGuid().ToString("B").ToUpperInvariant())]);
            editor.ReplaceNode(declaration, (current, generator) =>
                SyntaxHelpers.WithPartial((TypeDeclarationSyntax)generator.AddAttributes(current, attribute)).WithAdditionalAnnotations(Formatter.Annotation));
        }
        return editor.GetChangedDocument();
    }
}
