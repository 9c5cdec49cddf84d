using Microsoft.CodeAnalysis;

namespace Memory.Generators.Parsing;

/// <summary>The ways the parser turns symbols into C# text.</summary>
internal static class SymbolFormats
{
    /// <summary><c>global::</c>-qualified, keywords for special types, nullable annotations kept: for code.</summary>
    public static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(
            SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier
            | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

    /// <summary>Namespace and containing types, no <c>global::</c>: for people and <c>TypeName</c>.</summary>
    public static readonly SymbolDisplayFormat Display = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);
}
