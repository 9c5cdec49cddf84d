using Microsoft.CodeAnalysis;

namespace Memory.Analyzers.Infrastructure;

/// <summary>
/// The runtime's types as seen by one compilation, looked up once when the compilation starts.
/// <see cref="TryCreate"/> fails when the runtime is not referenced, so rules exit before registering anything.
/// </summary>
internal sealed class MemorySymbols
{
    private MemorySymbols(Compilation compilation, INamedTypeSymbol allocatorBase)
    {
        Compilation = compilation;
        AllocatorBase = allocatorBase;
        ClassAllocatorAttribute = compilation.GetTypeByMetadataName("Memory.ClassAllocatorAttribute");
        TypeIdAttribute = compilation.GetTypeByMetadataName("Memory.TypeIdAttribute");
        EventBusAttribute = compilation.GetTypeByMetadataName("Memory.EventBusAttribute");
        TypeInfo = compilation.GetTypeByMetadataName("Memory.ITypeInfo");
        AllocatorType = compilation.GetTypeByMetadataName("Memory.IAllocatorType`1");
        AllocatorInstance = compilation.GetTypeByMetadataName("Memory.AllocatorInstance`1");
        SystemAllocator = compilation.GetTypeByMetadataName("Memory.SystemAllocator");
        ChildAllocator = compilation.GetTypeByMetadataName("Memory.ChildAllocator`1");
        Az = compilation.GetTypeByMetadataName("Memory.Az");
    }

    public Compilation Compilation { get; }

    /// <summary><c>Memory.AllocatorBase</c>: its presence is what "the runtime is referenced" means.</summary>
    public INamedTypeSymbol AllocatorBase { get; }

    public INamedTypeSymbol? ClassAllocatorAttribute { get; }

    public INamedTypeSymbol? TypeIdAttribute { get; }

    public INamedTypeSymbol? EventBusAttribute { get; }

    public INamedTypeSymbol? TypeInfo { get; }

    public INamedTypeSymbol? AllocatorType { get; }

    public INamedTypeSymbol? AllocatorInstance { get; }

    public INamedTypeSymbol? SystemAllocator { get; }

    public INamedTypeSymbol? ChildAllocator { get; }

    public INamedTypeSymbol? Az { get; }

    /// <summary>The compilation being analysed is the runtime itself.</summary>
    public bool IsRuntime => SymbolEqualityComparer.Default.Equals(AllocatorBase.ContainingAssembly, Compilation.Assembly);

    public static bool TryCreate(Compilation compilation, out MemorySymbols symbols)
    {
        var allocatorBase = compilation.GetTypeByMetadataName("Memory.AllocatorBase");
        symbols = allocatorBase is null ? null! : new MemorySymbols(compilation, allocatorBase);
        return allocatorBase is not null;
    }

    /// <summary>Whether <paramref name="type"/> derives, directly or not, from <c>AllocatorBase</c>.</summary>
    public bool IsAllocator(ITypeSymbol? type)
    {
        for (var current = type?.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, AllocatorBase))
                return true;
        }
        return false;
    }

    /// <summary>
    /// Whether <paramref name="type"/> has type information of its own: a <c>[TypeId]</c>, or an interface
    /// deriving from <c>ITypeInfo</c> (such as <c>IAllocatorType&lt;T&gt;</c>) implemented by hand.
    /// </summary>
    public bool HasTypeInfo(INamedTypeSymbol type)
        => FindAttribute(type, TypeIdAttribute) is not null || DeclaresTypeInfoInterface(type);

    /// <summary>Whether the type lists an interface that is or extends <c>ITypeInfo</c> among its own bases.</summary>
    public bool DeclaresTypeInfoInterface(INamedTypeSymbol type)
    {
        if (TypeInfo is null)
            return false;
        foreach (var declared in type.Interfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(declared, TypeInfo)
                || declared.AllInterfaces.Contains(TypeInfo, SymbolEqualityComparer.Default))
                return true;
        }
        return false;
    }

    /// <summary>The allocator named by a type's <c>[ClassAllocator(typeof(X))]</c>, or null.</summary>
    public INamedTypeSymbol? ClassAllocatorOf(ITypeSymbol type)
        => FindAttribute(type, ClassAllocatorAttribute) is { ConstructorArguments: { Length: 1 } arguments }
            ? arguments[0].Value as INamedTypeSymbol
            : null;

    public static AttributeData? FindAttribute(ISymbol symbol, INamedTypeSymbol? attributeType)
    {
        if (attributeType is null)
            return null;
        foreach (var attribute in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
                return attribute;
        }
        return null;
    }
}
