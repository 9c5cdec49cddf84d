using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Memory.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

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

        AllocatorTarget target = AllocatorTarget.Of(allocator, cancellationToken);
        string? allocatorExpression = target.Expression(staticAbstractMembers);
        if (allocatorExpression is null)
            return null;

        TypeDeclarationModel? declaration = TypeDeclarationParser.Parse(type, cancellationToken);
        if (declaration is null)
            return null;

        List<IMethodSymbol> constructors = FactoryShape.AccessibleConstructors(type, cancellationToken);
        if (constructors.Count == 0)
            return null;
        bool[] callSites = FactoryShape.CallSites(constructors);

        // A member the user declares under a generated name leaves the generated one out (rule MEM0020 says so).
        var factories = new List<FactoryModel>(constructors.Count);
        if (FactoryShape.NonMethodMember(type, "Create") is null)
        {
            for (int i = 0; i < constructors.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (FactoryShape.DeclaredCreate(type, constructors[i], callSites[i]) is null)
                    factories.Add(ParseFactory(type, constructors[i], callSites[i], cancellationToken));
            }
        }
        bool emitDestroy = FactoryShape.NonMethodMember(type, "Destroy") is null && FactoryShape.DeclaredDestroy(type, isStruct) is null;
        if (factories.Count == 0 && !emitDestroy)
            return null;

        return new ClassAllocatorModel(
            declaration,
            isStruct,
            IsDisposable: isStruct && IsDisposable(type),
            target.DisplayName,
            allocatorExpression,
            factories.ToEquatableArray(),
            emitDestroy);
    }

    private static FactoryModel ParseFactory(INamedTypeSymbol type, IMethodSymbol constructor, bool recordsCallSite, CancellationToken cancellationToken)
    {
        ImmutableArray<IParameterSymbol> parameters = constructor.Parameters;
        var models = new ParameterModel[parameters.Length];
        bool isUnsafe = false;
        for (int i = 0; i < parameters.Length; i++)
        {
            models[i] = ParameterParser.Parse(parameters[i]);
            isUnsafe |= ParameterParser.NeedsUnsafe(parameters[i].Type);
        }
        return new FactoryModel(
            constructor.DeclaredAccessibility == Accessibility.Public ? "public" : "internal",
            new EquatableArray<ParameterModel>(models),
            recordsCallSite,
            isUnsafe,
            HidesInherited(type, constructor, recordsCallSite, cancellationToken),
            ObsoleteAttribute(constructor));
    }

    // Create(parameters..., [call-site trailer]) hides a base Create with the same parameters: one the base
    // declares, or one the generator gives a [ClassAllocator] base in this compilation.
    private static bool HidesInherited(INamedTypeSymbol type, IMethodSymbol constructor, bool recordsCallSite, CancellationToken cancellationToken)
    {
        if (MemberLookup.AncestorHasMethod(type, "Create", constructor.Parameters, recordsCallSite))
            return true;

        ImmutableArray<IParameterSymbol> parameters = constructor.Parameters;
        for (INamedTypeSymbol? ancestor = type.BaseType; ancestor is not null; ancestor = ancestor.BaseType)
        {
            if (ancestor.DeclaringSyntaxReferences.IsEmpty
                || KnownTypes.FindAttribute(ancestor.OriginalDefinition, "ClassAllocatorAttribute") is null)
                continue;
            List<IMethodSymbol> baseConstructors = FactoryShape.AccessibleConstructors(ancestor, cancellationToken);
            bool[] baseCallSites = FactoryShape.CallSites(baseConstructors);
            for (int i = 0; i < baseConstructors.Count; i++)
            {
                if (baseCallSites[i] == recordsCallSite && FactoryShape.SameSignature(baseConstructors[i].Parameters, parameters, callSite: false))
                    return true;
            }
        }
        return false;
    }

    private static bool IsDisposable(INamedTypeSymbol type)
    {
        foreach (INamedTypeSymbol candidate in type.AllInterfaces)
        {
            if (KnownTypes.IsSystemType(candidate, "IDisposable"))
                return true;
        }
        return false;
    }

    // The overload calls an obsolete constructor; repeating [Obsolete] keeps the call quiet and warns its callers instead.
    private static string? ObsoleteAttribute(IMethodSymbol constructor)
    {
        AttributeData? obsolete = null;
        foreach (AttributeData attribute in constructor.GetAttributes())
        {
            if (KnownTypes.IsSystemType(attribute.AttributeClass, "ObsoleteAttribute"))
            {
                obsolete = attribute;
                break;
            }
        }
        if (obsolete is null)
            return null;
        var arguments = new List<string>();
        foreach (TypedConstant argument in obsolete.ConstructorArguments)
            arguments.Add(argument.ToCSharpString());
        foreach (var named in obsolete.NamedArguments)
            arguments.Add($"{named.Key} = {named.Value.ToCSharpString()}");
        return $"[global::System.Obsolete({string.Join(", ", arguments)})]";
    }
}
