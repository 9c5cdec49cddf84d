using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Memory.Generators.Parsing;

/// <summary>
/// Questions about members a generated declaration could collide with: ones the type declares itself (then
/// nothing is generated) and inherited ones it would hide (then the generated member says <c>new</c>).
/// </summary>
internal static class MemberLookup
{
    public static bool Declares(INamedTypeSymbol type, string name) => !type.GetMembers(name).IsEmpty;

    /// <summary>The types whose members <paramref name="type"/>'s members hide: base classes, or base interfaces.</summary>
    public static IEnumerable<INamedTypeSymbol> Ancestors(INamedTypeSymbol type)
    {
        if (type.TypeKind == TypeKind.Interface)
            return type.AllInterfaces;
        var chain = new List<INamedTypeSymbol>();
        for (INamedTypeSymbol? current = type.BaseType; current is not null; current = current.BaseType)
            chain.Add(current);
        return chain;
    }

    /// <summary>Whether an ancestor has a visible member of that name (what a property or field would hide).</summary>
    public static bool AncestorHasMember(INamedTypeSymbol type, string name)
        => Ancestors(type).Any(ancestor => ancestor.GetMembers(name).Any(member => member.DeclaredAccessibility != Accessibility.Private));

    /// <summary>
    /// Whether an ancestor has a visible method of that name whose parameters are <paramref name="parameters"/>
    /// followed by <c>(string, int)</c> when <paramref name="callerInfo"/> is set.
    /// </summary>
    public static bool AncestorHasMethod(INamedTypeSymbol type, string name, IReadOnlyList<IParameterSymbol> parameters, bool callerInfo)
        => Ancestors(type).Any(ancestor => ancestor.GetMembers(name).OfType<IMethodSymbol>().Any(method =>
            method.DeclaredAccessibility != Accessibility.Private && SameParameters(method.Parameters, parameters, callerInfo)));

    /// <summary>Whether <paramref name="method"/> takes <paramref name="parameters"/>, plus <c>(string, int)</c> when <paramref name="callerInfo"/> is set.</summary>
    public static bool SameParameters(IReadOnlyList<IParameterSymbol> method, IReadOnlyList<IParameterSymbol> parameters, bool callerInfo)
    {
        int extra = callerInfo ? 2 : 0;
        if (method.Count != parameters.Count + extra)
            return false;
        for (int i = 0; i < parameters.Count; i++)
        {
            if (method[i].RefKind != parameters[i].RefKind || !SymbolEqualityComparer.Default.Equals(method[i].Type, parameters[i].Type))
                return false;
        }
        return !callerInfo
            || (method[parameters.Count].Type.SpecialType == SpecialType.System_String
                && method[parameters.Count + 1].Type.SpecialType == SpecialType.System_Int32);
    }
}
