using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace Memory.Analyzers.CodeFixes.Infrastructure;

/// <summary>Small syntax building blocks shared by the fixes.</summary>
internal static class SyntaxHelpers
{
    /// <summary>
    /// A fully qualified reference to <paramref name="type"/>, marked so that cleanup shortens it and adds the
    /// <c>using</c> it needs.
    /// </summary>
    public static TypeSyntax TypeReference(SyntaxGenerator generator, ITypeSymbol type)
        => ((TypeSyntax)generator.TypeExpression(type)).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

    /// <summary>Wraps an expression in parentheses that cleanup removes again when they are not needed.</summary>
    public static ExpressionSyntax Parenthesize(ExpressionSyntax expression)
        => SyntaxFactory.ParenthesizedExpression(expression.WithoutTrivia()).WithAdditionalAnnotations(Simplifier.Annotation);

    /// <summary>The node a diagnostic points at, or its nearest ancestor of type <typeparamref name="T"/>.</summary>
    public static T? FindAt<T>(SyntaxNode root, Diagnostic diagnostic)
        where T : SyntaxNode
        => root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<T>();

    /// <summary>Adds the <c>partial</c> modifier, where the language wants it (last).</summary>
    public static TypeDeclarationSyntax WithPartial(TypeDeclarationSyntax declaration)
    {
        if (declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            return declaration;
        var partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        if (declaration.Modifiers.Count == 0)
        {
            // The keyword takes over the declaration's leading trivia (comments, indentation).
            var keyword = declaration.Keyword;
            return declaration
                .WithKeyword(keyword.WithLeadingTrivia())
                .WithModifiers(SyntaxFactory.TokenList(partial.WithLeadingTrivia(keyword.LeadingTrivia)));
        }
        return declaration.WithModifiers(declaration.Modifiers.Add(partial));
    }
}
