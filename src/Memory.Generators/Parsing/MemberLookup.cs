using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Memory.Generators.Parsing;

/// <summary>
/// Questions about members a generated declaration could collide with: ones the type declares itself (then
/// nothing is generated) and inherited ones it would hide (then the generated member says <c>new</c>).
/// </summary>
/// <remarks>
/// These run for every attributed type on every compilation change, so they walk the symbols in place:
/// no lists, no LINQ, no closures.
/// </remarks>
internal static class MemberLookup
{
    public static bool Declares(INamedTypeSymbol type, string name) => !type.GetMembers(name).IsEmpty;

    /// <summary>
    /// Whether <paramref name="predicate"/> holds for a type whose members <paramref name="type"/>'s members hide:
    /// a base class, or for an interface a base interface.
    /// </summary>
    public static bool AnyAncestor<TState>(INamedTypeSymbol type, TState state, Func<INamedTypeSymbol, TState, bool> predicate)
    {
        if (type.TypeKind == TypeKind.Interface)
        {
            foreach (INamedTypeSymbol ancestor in type.AllInterfaces)
            {
                if (predicate(ancestor, state))
                    return true;
            }
            return false;
        }
        for (INamedTypeSymbol? ancestor = type.BaseType; ancestor is not null; ancestor = ancestor.BaseType)
        {
            if (predicate(ancestor, state))
                return true;
        }
        return false;
    }

    /// <summary>Whether an ancestor has a visible member of that name (what a property or field would hide).</summary>
    public static bool AncestorHasMember(INamedTypeSymbol type, string name)
        => AnyAncestor(type, name, static (ancestor, name) =>
        {
            foreach (ISymbol member in ancestor.GetMembers(name))
            {
                if (member.DeclaredAccessibility != Accessibility.Private)
                    return true;
            }
            return false;
        });

    /// <summary>
    /// Whether an ancestor has a visible method of that name with the signature <see cref="FactoryShape.SameSignature"/>
    /// describes: <paramref name="parameters"/>, then the call-site trailer when <paramref name="callSite"/> is set.
    /// </summary>
    public static bool AncestorHasMethod(INamedTypeSymbol type, string name, ImmutableArray<IParameterSymbol> parameters, bool callSite)
        => AnyAncestor(type, (name, parameters, callSite), static (ancestor, method) =>
        {
            foreach (ISymbol member in ancestor.GetMembers(method.name))
            {
                if (member is IMethodSymbol candidate && candidate.DeclaredAccessibility != Accessibility.Private
                    && FactoryShape.SameSignature(candidate.Parameters, method.parameters, method.callSite))
                    return true;
            }
            return false;
        });
}
