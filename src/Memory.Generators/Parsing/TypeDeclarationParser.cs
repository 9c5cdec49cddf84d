using System.Collections.Generic;
using System.Text;
using System.Threading;
using Memory.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Memory.Generators.Parsing;

/// <summary>
/// Decides whether generated members can be added to a type (it and every containing type are partial
/// and not file-local) and describes how to re-open it.
/// </summary>
internal static class TypeDeclarationParser
{
    /// <summary>The declaration model, or null when the type cannot be extended.</summary>
    public static TypeDeclarationModel? Parse(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        string? keyword = Keyword(type);
        if (keyword is null || !IsPartialEverywhere(type, cancellationToken))
            return null;

        var parents = new List<ParentTypeModel>();
        for (INamedTypeSymbol? parent = type.ContainingType; parent is not null; parent = parent.ContainingType)
        {
            string? parentKeyword = Keyword(parent);
            if (parentKeyword is null || !IsPartialEverywhere(parent, cancellationToken))
                return null;
            parents.Insert(0, new ParentTypeModel(parentKeyword, parent.ToDisplayString(SymbolFormats.Declaration)));
        }

        string ns = type.ContainingNamespace is { IsGlobalNamespace: false } containing
            ? containing.ToDisplayString(SymbolFormats.Namespace)
            : string.Empty;

        return new TypeDeclarationModel(
            ns,
            parents.ToEquatableArray(),
            keyword,
            type.ToDisplayString(SymbolFormats.Declaration),
            type.ToDisplayString(SymbolFormats.FullyQualified),
            type.ToDisplayString(SymbolFormats.Display),
            HintName(type));
    }

    /// <summary>
    /// Whether every declaration of <paramref name="type"/> says <c>partial</c> and the type is not
    /// file-local (a file-local type cannot have a part in a generated file).
    /// </summary>
    public static bool IsPartialEverywhere(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (type.IsFileLocal || type.DeclaringSyntaxReferences.IsEmpty)
            return false;
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration
                || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                return false;
        }
        return true;
    }

    private static string? Keyword(INamedTypeSymbol type) => type.TypeKind switch
    {
        TypeKind.Class => type.IsRecord ? "record" : "class",
        TypeKind.Struct => type.IsRecord ? "record struct" : "struct",
        TypeKind.Interface => "interface",
        _ => null,
    };

    // Metadata names (Buffer`1) keep generic arities apart, so Buffer and Buffer<T> get different files.
    private static string HintName(INamedTypeSymbol type)
    {
        var text = new StringBuilder();
        if (type.ContainingNamespace is { IsGlobalNamespace: false } ns)
            text.Append(ns.ToDisplayString()).Append('.');
        var names = new List<string>();
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            names.Insert(0, current.MetadataName);
        text.Append(string.Join(".", names));
        return text.ToString();
    }
}
