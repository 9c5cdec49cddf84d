using System.Collections.Generic;
using System.Linq;
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

        // Names are assembled from the symbols' parts rather than with ToDisplayString, which is the costliest
        // call on this path and runs for every attributed type on every compilation change.
        var parents = new List<ParentTypeModel>();
        var codeName = new StringBuilder(Level(type, forCode: true));
        var displayName = new StringBuilder(Level(type, forCode: false));
        for (INamedTypeSymbol? parent = type.ContainingType; parent is not null; parent = parent.ContainingType)
        {
            string? parentKeyword = Keyword(parent);
            if (parentKeyword is null || !IsPartialEverywhere(parent, cancellationToken))
                return null;
            parents.Insert(0, new ParentTypeModel(parentKeyword, Declaration(parent)));
            codeName.Insert(0, Level(parent, forCode: true) + ".");
            displayName.Insert(0, Level(parent, forCode: false) + ".");
        }

        string ns = Namespace(type.ContainingNamespace, forCode: true);
        string displayNamespace = Namespace(type.ContainingNamespace, forCode: false);
        return new TypeDeclarationModel(
            ns,
            parents.ToEquatableArray(),
            keyword,
            Declaration(type),
            "global::" + (ns.Length > 0 ? ns + "." : string.Empty) + codeName,
            (displayNamespace.Length > 0 ? displayNamespace + "." : string.Empty) + displayName,
            HintName(type, displayNamespace));
    }

    /// <summary>An identifier as code writes it: <c>@</c> before a reserved keyword.</summary>
    public static string Escape(string name)
        => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    // Buffer<T> (display) or Buffer<T> with keywords escaped (code).
    private static string Level(INamedTypeSymbol type, bool forCode)
    {
        string name = forCode ? Escape(type.Name) : type.Name;
        if (type.TypeParameters.IsEmpty)
            return name;
        return name + "<" + string.Join(", ", type.TypeParameters.Select(p => forCode ? Escape(p.Name) : p.Name)) + ">";
    }

    // The name a partial declaration repeats: type parameters with their variance.
    private static string Declaration(INamedTypeSymbol type)
    {
        if (type.TypeParameters.IsEmpty)
            return Escape(type.Name);
        return Escape(type.Name) + "<" + string.Join(", ", type.TypeParameters.Select(p => p.Variance switch
        {
            VarianceKind.In => "in ",
            VarianceKind.Out => "out ",
            _ => string.Empty,
        } + Escape(p.Name))) + ">";
    }

    private static string Namespace(INamespaceSymbol? ns, bool forCode)
    {
        var parts = new List<string>();
        for (; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
            parts.Insert(0, forCode ? Escape(ns.Name) : ns.Name);
        return string.Join(".", parts);
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
    private static string HintName(INamedTypeSymbol type, string ns)
    {
        var text = new StringBuilder();
        if (ns.Length > 0)
            text.Append(ns).Append('.');
        var names = new List<string>();
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            names.Insert(0, current.MetadataName);
        text.Append(string.Join(".", names));
        return text.ToString();
    }
}
