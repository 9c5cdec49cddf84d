using System.Collections.Immutable;
using System.Composition;
using Memory.Analyzers.CodeFixes.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Memory.Analyzers.CodeFixes;

/// <summary>
/// MEM0001: <c>new T(args)</c> becomes <c>T.Create(args)</c>. Offered when a static <c>Create</c> binds to the same
/// arguments and its result fits where the object was used; not for object initializers, which have no
/// counterpart on a factory call.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RawNewCodeFixProvider)), Shared]
public sealed class RawNewCodeFixProvider : DocumentFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [Descriptors.RawNew.Id];

    /// <inheritdoc/>
    protected override string Title => "Create through the factory";

    /// <inheritdoc/>
    protected override async Task<bool> CanFixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return root is not null && model is not null && Rewrite(root, model, diagnostic, SyntaxGenerator.GetGenerator(document)) is not null;
    }

    /// <inheritdoc/>
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in diagnostics)
        {
            if (Rewrite(editor.OriginalRoot, editor.SemanticModel, diagnostic, editor.Generator) is var (creation, call))
                editor.ReplaceNode(creation, call);
        }
        return editor.GetChangedDocument();
    }

    private static (BaseObjectCreationExpressionSyntax Creation, ExpressionSyntax Call)? Rewrite(
        SyntaxNode root, SemanticModel model, Diagnostic diagnostic, SyntaxGenerator generator)
    {
        var creation = SyntaxHelpers.FindAt<BaseObjectCreationExpressionSyntax>(root, diagnostic);
        if (creation is null || creation.Initializer is not null || model.GetTypeInfo(creation) is not { Type: INamedTypeSymbol type, ConvertedType: { } target })
            return null;

        TypeSyntax typeSyntax = creation is ObjectCreationExpressionSyntax explicitCreation
            ? explicitCreation.Type.WithoutTrivia()
            : SyntaxHelpers.TypeReference(generator, type);
        var call = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, typeSyntax, SyntaxFactory.IdentifierName("Create")),
                creation.ArgumentList ?? SyntaxFactory.ArgumentList())
            .WithTriviaFrom(creation);

        // The factory must exist, take these arguments and return something usable where the object went.
        var bound = model.GetSpeculativeSymbolInfo(creation.SpanStart, call, SpeculativeBindingOption.BindAsExpression).Symbol as IMethodSymbol;
        if (bound is not { IsStatic: true, Name: "Create" } || !SymbolEqualityComparer.Default.Equals(bound.ContainingType, type)
            || !model.Compilation.ClassifyConversion(bound.ReturnType, target).IsImplicit)
            return null;
        return (creation, call);
    }
}
