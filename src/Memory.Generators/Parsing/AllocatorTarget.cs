using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Memory.Generators.Parsing;

/// <summary>
/// What generated code needs to know about the allocator a <c>[ClassAllocator(typeof(X))]</c> names: how
/// to reach its process-wide instance, and its name for documentation.
/// </summary>
/// <remarks>
/// Thousands of types name the same few allocators, and every answer here depends on the allocator symbol
/// alone, so each symbol is described once. The table holds its keys weakly: a symbol that is no longer
/// reachable (its compilation is gone) takes its entry with it. A metadata allocator such as
/// <c>OSAllocator</c> is one symbol for every compilation over the same references, so an edit finds it
/// described already; a source allocator is a new symbol in each compilation and is described afresh.
/// </remarks>
internal sealed class AllocatorTarget
{
    private static readonly ConditionalWeakTable<INamedTypeSymbol, AllocatorTarget> s_targets = new();

    private readonly string? _expression;
    private readonly string? _expressionWithoutStaticAbstracts;

    private AllocatorTarget(string displayName, string? expression, string? expressionWithoutStaticAbstracts)
    {
        DisplayName = displayName;
        _expression = expression;
        _expressionWithoutStaticAbstracts = expressionWithoutStaticAbstracts;
    }

    /// <summary>The allocator's name for people: namespace and containing types, no <c>global::</c>.</summary>
    public string DisplayName { get; }

    /// <summary>The description of <paramref name="allocator"/>, from the table or worked out now.</summary>
    public static AllocatorTarget Of(INamedTypeSymbol allocator, CancellationToken cancellationToken)
    {
        if (s_targets.TryGetValue(allocator, out AllocatorTarget? target))
            return target;
        AllocatorTarget described = Describe(allocator, cancellationToken);
        return s_targets.GetValue(allocator, _ => described);
    }

    /// <summary>
    /// The expression that reaches the process-wide instance, or null when the allocator cannot be shared:
    /// it must be a concrete, closed <c>AllocatorBase</c> class that implements <c>IAllocatorType&lt;itself&gt;</c>
    /// or gets it from a valid <c>[TypeId]</c>. C# 10 cannot implement <c>IAllocatorType</c>, so there the
    /// generated <c>Instance</c> is the way in (<paramref name="staticAbstractMembers"/> false).
    /// </summary>
    public string? Expression(bool staticAbstractMembers) => staticAbstractMembers ? _expression : _expressionWithoutStaticAbstracts;

    private static AllocatorTarget Describe(INamedTypeSymbol allocator, CancellationToken cancellationToken)
    {
        string displayName = allocator.ToDisplayString(SymbolFormats.Display);
        if (allocator.TypeKind != TypeKind.Class || allocator.IsAbstract || allocator.IsUnboundGenericType
            || ContainsTypeParameter(allocator) || !KnownTypes.IsAllocator(allocator))
            return new AllocatorTarget(displayName, null, null);

        string name = allocator.ToDisplayString(SymbolFormats.FullyQualified);
        string viaInstance = $"global::Memory.AllocatorInstance<{name}>.Get()";
        if (KnownTypes.ImplementsAllocatorType(allocator))
            return new AllocatorTarget(displayName, viaInstance, viaInstance);

        // The glue is generated in this compilation: the parser sees what the generator will emit for it.
        INamedTypeSymbol definition = allocator.OriginalDefinition;
        if (definition.DeclaringSyntaxReferences.IsEmpty)
        {
            // From a referenced assembly compiled at C# 10: its [TypeId] glue has a static Instance but no
            // IAllocatorType (C# 10 cannot implement it), and that Instance reaches the shared allocator at every
            // language version.
            string? viaOwnInstance = KnownTypes.FindAttribute(definition, "TypeIdAttribute") is not null && HasSharedInstance(allocator)
                ? $"{name}.Instance"
                : null;
            return new AllocatorTarget(displayName, viaOwnInstance, viaOwnInstance);
        }
        if (KnownTypes.FindAttribute(definition, "TypeIdAttribute") is not { } typeId
            || !TypeIdParser.TryReadId(typeId, out _)
            || definition.IsStatic
            || TypeDeclarationParser.Parse(definition, cancellationToken) is null
            || TypeIdParser.ParseAllocatorGlue(definition) is not { } glue)
            return new AllocatorTarget(displayName, null, null);

        // A TypeId, TypeName or CreateAllocator of the user's that cannot implement IAllocatorType (C# 11 on) leaves
        // the allocator without glue; at C# 10 the way in is an Instance property, the generated one or the user's.
        bool generated = TypeInfoMembers.Incompatible(definition, allocator: true) is null;
        string? viaInstanceAtCSharp10 = (generated && glue.EmitInstance) || TypeInfoMembers.UsableInstance(allocator) ? $"{name}.Instance" : null;
        return new AllocatorTarget(displayName, generated ? viaInstance : null, viaInstanceAtCSharp10);
    }

    /// <summary>Whether the allocator has a public static <c>Instance</c> property of its own type, as the glue generated at C# 10 does.</summary>
    public static bool HasSharedInstance(INamedTypeSymbol allocator)
    {
        foreach (ISymbol member in allocator.GetMembers("Instance"))
        {
            if (member is IPropertySymbol { IsStatic: true, IsIndexer: false, DeclaredAccessibility: Accessibility.Public, GetMethod.DeclaredAccessibility: Accessibility.Public } property
                && SymbolEqualityComparer.Default.Equals(property.Type, allocator))
                return true;
        }
        return false;
    }

    private static bool ContainsTypeParameter(ITypeSymbol type)
    {
        switch (type)
        {
            case ITypeParameterSymbol:
                return true;
            case IArrayTypeSymbol array:
                return ContainsTypeParameter(array.ElementType);
            case INamedTypeSymbol named:
                foreach (ITypeSymbol argument in named.TypeArguments)
                {
                    if (ContainsTypeParameter(argument))
                        return true;
                }
                return named.ContainingType is { } outer && ContainsTypeParameter(outer);
            default:
                return false;
        }
    }
}
