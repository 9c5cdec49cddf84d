using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Memory.Analyzers.Infrastructure;

/// <summary>Reading <c>[TypeId("{GUID}")]</c>: the accepted forms and where the text sits in source.</summary>
internal static class TypeIds
{
    /// <summary>Parses a type identifier: a GUID in registry form with braces ("B") or without ("D").</summary>
    public static bool TryParse(string? text, out Guid id)
    {
        id = default;
        text = text?.Trim();
        return text is { Length: > 0 } && (Guid.TryParseExact(text, "B", out id) || Guid.TryParseExact(text, "D", out id));
    }

    /// <summary>The identifier's text, when the attribute has a constant one.</summary>
    public static string? Text(AttributeData attribute)
        => attribute.ConstructorArguments is { Length: 1 } arguments ? arguments[0].Value as string : null;

    /// <summary>The location of an attribute's first argument, or of the attribute, or of <paramref name="fallback"/>.</summary>
    public static Location ArgumentLocation(AttributeData attribute, ISymbol fallback)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax syntax)
        {
            return syntax.ArgumentList is { Arguments.Count: > 0 } arguments
                ? arguments.Arguments[0].GetLocation()
                : syntax.GetLocation();
        }
        return fallback.Locations.FirstOrDefault() ?? Location.None;
    }
}
