using Microsoft.CodeAnalysis;

namespace Memory.Generators.Parsing;

/// <summary>
/// Recognises the runtime's types by name. Comparing names instead of looking the types up in the
/// compilation keeps the parser free of per-compilation state, so it runs the same on every edit.
/// </summary>
internal static class KnownTypes
{
    public const string ClassAllocatorAttribute = "Memory.ClassAllocatorAttribute";
    public const string TypeIdAttribute = "Memory.TypeIdAttribute";

    public static bool IsMemoryType(ITypeSymbol? type, string name, int arity = 0)
        => type is INamedTypeSymbol named
            && named.Name == name
            && named.Arity == arity
            && named.ContainingType is null
            && named.ContainingNamespace is { Name: "Memory", ContainingNamespace.IsGlobalNamespace: true };

    public static bool IsTypeIdAttribute(INamedTypeSymbol? type) => IsMemoryType(type, "TypeIdAttribute");

    public static bool IsClassAllocatorAttribute(INamedTypeSymbol? type) => IsMemoryType(type, "ClassAllocatorAttribute");

    /// <summary>Whether <paramref name="type"/> is <c>Memory.AllocatorBase</c> or derives from it.</summary>
    public static bool IsAllocator(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (IsMemoryType(current, "AllocatorBase"))
                return true;
        }
        return false;
    }

    /// <summary>Whether <paramref name="type"/> declares <c>IAllocatorType&lt;itself&gt;</c> (by hand or from metadata).</summary>
    public static bool ImplementsAllocatorType(INamedTypeSymbol type)
    {
        foreach (INamedTypeSymbol candidate in type.AllInterfaces)
        {
            if (IsMemoryType(candidate, "IAllocatorType", arity: 1)
                && SymbolEqualityComparer.Default.Equals(candidate.TypeArguments[0], type))
                return true;
        }
        return false;
    }

    public static bool IsSystemType(ITypeSymbol? type, string name)
        => type is INamedTypeSymbol { ContainingType: null } named
            && named.Name == name
            && named.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true };

    /// <summary>Finds the attribute of the given runtime attribute type on <paramref name="symbol"/>.</summary>
    public static AttributeData? FindAttribute(ISymbol symbol, string name)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (IsMemoryType(attribute.AttributeClass, name))
                return attribute;
        }
        return null;
    }
}
