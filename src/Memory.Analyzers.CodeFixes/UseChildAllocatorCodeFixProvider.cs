using System.Collections.Immutable;
using System.Composition;
using Memory.Analyzers.CodeFixes.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Memory.Analyzers.CodeFixes;

/// <summary>
/// MEM0006: the base <c>SystemAllocator</c> becomes <c>ChildAllocator&lt;SystemAllocator&gt;</c>. Not offered when a
/// constructor passes arguments to <c>SystemAllocator</c>'s constructor: those have no meaning for a child allocator.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseChildAllocatorCodeFixProvider)), Shared]
public sealed class UseChildAllocatorCodeFixProvider : DocumentFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [Descriptors.InheritsSystemAllocator.Id];

    /// <inheritdoc/>
    protected override string Title => "Derive from ChildAllocator<SystemAllocator>";

    /// <inheritdoc/>
    protected override async Task<bool> CanFixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        return Rewrite(editor, diagnostic) is not null;
    }

    /// <inheritdoc/>
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in diagnostics)
        {
            if (Rewrite(editor, diagnostic) is var (baseType, replacement))
                editor.ReplaceNode(baseType, replacement.WithTriviaFrom(baseType));
        }
        return editor.GetChangedDocument();
    }

    private static (TypeSyntax BaseType, TypeSyntax Replacement)? Rewrite(DocumentEditor editor, Diagnostic diagnostic)
    {
        var compilation = editor.SemanticModel.Compilation;
        var system = compilation.GetTypeByMetadataName("Memory.SystemAllocator");
        var child = compilation.GetTypeByMetadataName("Memory.ChildAllocator`1");
        var declaration = SyntaxHelpers.FindAt<ClassDeclarationSyntax>(editor.OriginalRoot, diagnostic);
        if (system is null || child is null || declaration?.BaseList is null)
            return null;
        if (declaration.Members.OfType<ConstructorDeclarationSyntax>().Any(c => c.Initializer is { ArgumentList.Arguments.Count: > 0 } initializer
                && initializer.ThisOrBaseKeyword.ValueText == "base"))
            return null;
        var baseType = declaration.BaseList.Types
            .Select(t => t.Type)
            .FirstOrDefault(t => SymbolEqualityComparer.Default.Equals(editor.SemanticModel.GetTypeInfo(t).Type, system));
        return baseType is null ? null : (baseType, SyntaxHelpers.TypeReference(editor.Generator, child.Construct(system)));
    }
}
