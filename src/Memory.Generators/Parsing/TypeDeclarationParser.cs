using System.Collections.Immutable;
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

        // The type and its containing types, outermost first.
        int depth = 0;
        for (INamedTypeSymbol? parent = type.ContainingType; parent is not null; parent = parent.ContainingType)
            depth++;
        var levels = new INamedTypeSymbol[depth + 1];
        levels[depth] = type;
        for (int i = depth - 1; i >= 0; i--)
            levels[i] = levels[i + 1].ContainingType!;

        var parents = new ParentTypeModel[depth];
        for (int i = 0; i < depth; i++)
        {
            string? parentKeyword = Keyword(levels[i]);
            if (parentKeyword is null || !IsPartialEverywhere(levels[i], cancellationToken))
                return null;
            parents[i] = new ParentTypeModel(parentKeyword, Declaration(levels[i]));
        }

        // Names are assembled from the symbols' parts rather than with ToDisplayString, which is the costliest
        // call on this path and runs for every attributed type on every compilation change. One builder serves
        // every name.
        var text = new StringBuilder(128);
        AppendNamespace(text, type.ContainingNamespace, forCode: true);
        string ns = text.ToString();
        AppendNamespace(text.Clear(), type.ContainingNamespace, forCode: false);
        string displayNamespace = text.ToString();

        text.Clear().Append("global::");
        AppendQualifiedName(text, ns, levels, forCode: true);
        string fullyQualifiedName = text.ToString();

        AppendQualifiedName(text.Clear(), displayNamespace, levels, forCode: false);
        string displayName = text.ToString();

        // Metadata names (Buffer`1) keep generic arities apart, so Buffer and Buffer<T> get different files.
        text.Clear().Append(displayNamespace);
        for (int i = 0; i < levels.Length; i++)
        {
            if (i > 0 || displayNamespace.Length > 0)
                text.Append('.');
            text.Append(levels[i].MetadataName);
        }
        string hintName = text.ToString();

        return new TypeDeclarationModel(
            ns,
            new EquatableArray<ParentTypeModel>(parents),
            keyword,
            Declaration(type),
            fullyQualifiedName,
            displayName,
            hintName);
    }

    // Game.Outer<T>.Inner: the namespace, then each level with its type parameters.
    private static void AppendQualifiedName(StringBuilder text, string ns, INamedTypeSymbol[] levels, bool forCode)
    {
        text.Append(ns);
        for (int i = 0; i < levels.Length; i++)
        {
            if (i > 0 || ns.Length > 0)
                text.Append('.');
            AppendLevel(text, levels[i], forCode);
        }
    }

    /// <summary>An identifier as code writes it: <c>@</c> before a reserved keyword.</summary>
    public static string Escape(string name)
        => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    // Buffer<T> (display) or Buffer<T> with keywords escaped (code).
    private static void AppendLevel(StringBuilder text, INamedTypeSymbol type, bool forCode)
    {
        text.Append(forCode ? Escape(type.Name) : type.Name);
        ImmutableArray<ITypeParameterSymbol> typeParameters = type.TypeParameters;
        if (typeParameters.IsEmpty)
            return;
        text.Append('<');
        for (int i = 0; i < typeParameters.Length; i++)
        {
            if (i > 0)
                text.Append(", ");
            text.Append(forCode ? Escape(typeParameters[i].Name) : typeParameters[i].Name);
        }
        text.Append('>');
    }

    // The name a partial declaration repeats: type parameters with their variance.
    private static string Declaration(INamedTypeSymbol type)
    {
        ImmutableArray<ITypeParameterSymbol> typeParameters = type.TypeParameters;
        if (typeParameters.IsEmpty)
            return Escape(type.Name);
        var text = new StringBuilder(Escape(type.Name)).Append('<');
        for (int i = 0; i < typeParameters.Length; i++)
        {
            if (i > 0)
                text.Append(", ");
            text.Append(typeParameters[i].Variance switch
            {
                VarianceKind.In => "in ",
                VarianceKind.Out => "out ",
                _ => string.Empty,
            }).Append(Escape(typeParameters[i].Name));
        }
        return text.Append('>').ToString();
    }

    // Game.Generated, with keywords escaped in the code form; nothing for the global namespace.
    private static void AppendNamespace(StringBuilder text, INamespaceSymbol? ns, bool forCode)
    {
        if (ns is not { IsGlobalNamespace: false })
            return;
        if (ns.ContainingNamespace is { IsGlobalNamespace: false } outer)
        {
            AppendNamespace(text, outer, forCode);
            text.Append('.');
        }
        text.Append(forCode ? Escape(ns.Name) : ns.Name);
    }

    /// <summary>
    /// Whether every declaration of <paramref name="type"/> says <c>partial</c> and the type is not
    /// file-local (a file-local type cannot have a part in a generated file).
    /// </summary>
    public static bool IsPartialEverywhere(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        ImmutableArray<SyntaxReference> declarations = type.DeclaringSyntaxReferences;
        if (type.IsFileLocal || declarations.IsEmpty)
            return false;
        foreach (SyntaxReference reference in declarations)
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
}
