using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Memory.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Generators.Parsing;

/// <summary>
/// Turns a <c>[ClassAllocator(typeof(X))]</c> type into a <see cref="ClassAllocatorModel"/>, or null when
/// nothing can be generated (the analyzers report why).
/// </summary>
internal static class ClassAllocatorParser
{
    public static ClassAllocatorModel? Parse(INamedTypeSymbol type, AttributeData attribute, bool staticAbstractMembers, CancellationToken cancellationToken)
    {
        if (attribute.ConstructorArguments.Length != 1
            || attribute.ConstructorArguments[0].Kind != TypedConstantKind.Type
            || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol allocator)
            return null;

        bool isStruct = type.TypeKind == TypeKind.Struct;
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || type.IsStatic || type.IsAbstract || type.IsRefLikeType)
            return null;
        if (isStruct && !type.IsUnmanagedType)
            return null;

        string? allocatorExpression = AllocatorExpression(allocator, staticAbstractMembers, cancellationToken);
        if (allocatorExpression is null)
            return null;

        TypeDeclarationModel? declaration = TypeDeclarationParser.Parse(type, cancellationToken);
        if (declaration is null)
            return null;

        var factories = new List<FactoryModel>();
        foreach (IMethodSymbol constructor in AccessibleConstructors(type))
        {
            cancellationToken.ThrowIfCancellationRequested();
            factories.Add(ParseFactory(type, constructor));
        }
        if (factories.Count == 0)
            return null;

        return new ClassAllocatorModel(
            declaration,
            isStruct,
            IsDisposable: isStruct && type.AllInterfaces.Any(i => KnownTypes.IsSystemType(i, "IDisposable")),
            allocator.ToDisplayString(SymbolFormats.Display),
            allocatorExpression,
            factories.ToEquatableArray());
    }

    /// <summary>
    /// The expression that reaches the process-wide instance of <paramref name="allocator"/>, or null when
    /// it is not an allocator that can be shared: a concrete, closed <c>AllocatorBase</c> class that
    /// implements <c>IAllocatorType&lt;itself&gt;</c> or gets it from a valid <c>[TypeId]</c>.
    /// </summary>
    public static string? AllocatorExpression(INamedTypeSymbol allocator, bool staticAbstractMembers, CancellationToken cancellationToken)
    {
        if (allocator.TypeKind != TypeKind.Class || allocator.IsAbstract || allocator.IsUnboundGenericType
            || ContainsTypeParameter(allocator) || !KnownTypes.IsAllocator(allocator))
            return null;

        string name = allocator.ToDisplayString(SymbolFormats.FullyQualified);
        string viaInstance = $"global::Memory.AllocatorInstance<{name}>.Get()";
        if (KnownTypes.ImplementsAllocatorType(allocator))
            return viaInstance;

        // The glue is generated in this compilation: the parser sees what the generator will emit for it.
        INamedTypeSymbol definition = allocator.OriginalDefinition;
        if (KnownTypes.FindAttribute(definition, "TypeIdAttribute") is not { } typeId
            || !TypeIdParser.TryReadId(typeId, out _)
            || definition.IsStatic
            || TypeDeclarationParser.Parse(definition, cancellationToken) is null
            || TypeIdParser.ParseAllocatorGlue(definition) is not { } glue)
            return null;

        // C# 10 cannot implement IAllocatorType, so the generated Instance is the way in there.
        if (staticAbstractMembers)
            return viaInstance;
        return glue.EmitInstance ? $"{name}.Instance" : null;
    }

    /// <summary>
    /// The constructors a <c>Create</c> can mirror: public, internal or protected internal; not a record's
    /// copy constructor; not one that leaves <c>required</c> members unset.
    /// </summary>
    public static IEnumerable<IMethodSymbol> AccessibleConstructors(INamedTypeSymbol type)
    {
        bool hasRequiredMembers = HasRequiredMembers(type);
        foreach (IMethodSymbol constructor in type.InstanceConstructors)
        {
            if (constructor.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
                continue;
            if (type.IsRecord && constructor.Parameters.Length == 1
                && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type))
                continue;
            if (hasRequiredMembers && !constructor.GetAttributes().Any(a => a.AttributeClass is { Name: "SetsRequiredMembersAttribute" }))
                continue;
            yield return constructor;
        }
    }

    private static FactoryModel ParseFactory(INamedTypeSymbol type, IMethodSymbol constructor)
    {
        bool hasCallerInfo = constructor.Parameters.IsEmpty || !constructor.Parameters[constructor.Parameters.Length - 1].IsParams;
        return new FactoryModel(
            constructor.DeclaredAccessibility == Accessibility.Public ? "public" : "internal",
            constructor.Parameters.Select(ParameterParser.Parse).ToEquatableArray(),
            hasCallerInfo,
            constructor.Parameters.Any(p => ParameterParser.NeedsUnsafe(p.Type)),
            HidesInherited(type, constructor, hasCallerInfo),
            ObsoleteAttribute(constructor));
    }

    // Create(parameters..., string? callerFilePath, int callerLineNumber) hides a base Create with the same
    // parameters: one the base declares, or one the generator gives a [ClassAllocator] base in this compilation.
    private static bool HidesInherited(INamedTypeSymbol type, IMethodSymbol constructor, bool hasCallerInfo)
    {
        if (MemberLookup.AncestorHasMethod(type, "Create", constructor.Parameters, hasCallerInfo))
            return true;

        for (INamedTypeSymbol? ancestor = type.BaseType; ancestor is not null; ancestor = ancestor.BaseType)
        {
            if (ancestor.DeclaringSyntaxReferences.IsEmpty
                || KnownTypes.FindAttribute(ancestor.OriginalDefinition, "ClassAllocatorAttribute") is null)
                continue;
            foreach (IMethodSymbol baseConstructor in AccessibleConstructors(ancestor))
            {
                bool baseCallerInfo = baseConstructor.Parameters.IsEmpty || !baseConstructor.Parameters[baseConstructor.Parameters.Length - 1].IsParams;
                if (baseCallerInfo == hasCallerInfo && MemberLookup.SameParameters(baseConstructor.Parameters, constructor.Parameters, callerInfo: false))
                    return true;
            }
        }
        return false;
    }

    private static bool HasRequiredMembers(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (current.GetMembers().Any(m => m is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true }))
                return true;
        }
        return false;
    }

    private static bool ContainsTypeParameter(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol => true,
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsTypeParameter) || (named.ContainingType is { } outer && ContainsTypeParameter(outer)),
        IArrayTypeSymbol array => ContainsTypeParameter(array.ElementType),
        _ => false,
    };

    // The overload calls an obsolete constructor; repeating [Obsolete] keeps the call quiet and warns its callers instead.
    private static string? ObsoleteAttribute(IMethodSymbol constructor)
    {
        AttributeData? obsolete = constructor.GetAttributes().FirstOrDefault(a => KnownTypes.IsSystemType(a.AttributeClass, "ObsoleteAttribute"));
        if (obsolete is null)
            return null;
        var arguments = obsolete.ConstructorArguments.Select(a => a.ToCSharpString())
            .Concat(obsolete.NamedArguments.Select(a => $"{a.Key} = {a.Value.ToCSharpString()}"));
        return $"[global::System.Obsolete({string.Join(", ", arguments)})]";
    }
}
