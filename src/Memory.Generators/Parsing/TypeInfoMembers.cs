using Microsoft.CodeAnalysis;

namespace Memory.Generators.Parsing;

/// <summary>
/// Members a <c>[TypeId]</c> type declares itself under the names of generated ones (<c>TypeId</c>,
/// <c>TypeName</c>, <c>CreateAllocator</c>, <c>Instance</c>) that the generated code cannot work with.
/// </summary>
/// <remarks>
/// A member of the right shape simply takes the place of the generated one. One of another shape (an instance
/// property, a constant, a method, another type) cannot implement the static abstract members of
/// <c>ITypeInfo</c>/<c>IAllocatorType</c> (CS0535, CS8928), so from C# 11 on, when the generated part would
/// declare those interfaces, nothing is generated for the type. The analyzers compile this file too (MEM0020).
/// </remarks>
internal static class TypeInfoMembers
{
    /// <summary>
    /// The first member that keeps the type from implementing the interfaces the generated part would declare,
    /// or null. <paramref name="allocator"/> says whether the glue (<c>IAllocatorType</c>) is generated too.
    /// </summary>
    public static ISymbol? Incompatible(INamedTypeSymbol type, bool allocator)
        => Incompatible(type, "TypeId", static t => t is INamedTypeSymbol { Name: "Guid", ContainingType: null, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } })
            ?? Incompatible(type, "TypeName", static t => t.SpecialType == SpecialType.System_String)
            ?? (allocator ? IncompatibleFactory(type) : null);

    /// <summary>
    /// Whether a member named <c>Instance</c> the allocator declares itself reaches it from other types of the
    /// assembly: a static, readable property or field of the allocator's own type, not private or protected.
    /// That is the way in at C# 10, where <c>AllocatorInstance</c> cannot take the type.
    /// </summary>
    public static bool UsableInstance(INamedTypeSymbol allocator)
    {
        foreach (ISymbol member in allocator.GetMembers("Instance"))
        {
            if (FactoryShape.IsGenerated(member))
                continue;
            if (member.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
                return false;
            return member switch
            {
                IPropertySymbol { IsStatic: true, GetMethod: not null, Parameters.IsEmpty: true } property
                    => SymbolEqualityComparer.Default.Equals(property.Type, allocator),
                IFieldSymbol { IsStatic: true } field => SymbolEqualityComparer.Default.Equals(field.Type, allocator),
                _ => false,
            };
        }
        return false;
    }

    private static ISymbol? Incompatible(INamedTypeSymbol type, string name, System.Func<ITypeSymbol, bool> typeFits)
    {
        foreach (ISymbol member in type.GetMembers(name))
        {
            if (FactoryShape.IsGenerated(member))
                continue;
            if (member is IPropertySymbol { IsStatic: true, GetMethod: not null, Parameters.IsEmpty: true, DeclaredAccessibility: Accessibility.Public } property
                && typeFits(property.Type))
                continue;
            return member;
        }
        return null;
    }

    // The parameterless static factory IAllocatorType asks for; other overloads may stand beside it, but when
    // the type declares CreateAllocator without it the generator cannot add it.
    private static ISymbol? IncompatibleFactory(INamedTypeSymbol type)
    {
        ISymbol? incompatible = null;
        foreach (ISymbol member in type.GetMembers("CreateAllocator"))
        {
            if (FactoryShape.IsGenerated(member))
                continue;
            if (member is IMethodSymbol { IsStatic: true, MethodKind: MethodKind.Ordinary, Arity: 0, Parameters.IsEmpty: true, DeclaredAccessibility: Accessibility.Public } method
                && SymbolEqualityComparer.Default.Equals(method.ReturnType, type))
                return null;
            incompatible ??= member;
        }
        return incompatible;
    }
}
