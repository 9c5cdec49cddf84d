using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
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

        var factories = new List<FactoryModel>();
        foreach (IMethodSymbol constructor in AccessibleConstructors(type, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            factories.Add(ParseFactory(type, constructor, cancellationToken));
        }
        if (factories.Count == 0)
            return null;

        return new ClassAllocatorModel(
            declaration,
            isStruct,
            IsDisposable: isStruct && IsDisposable(type),
            target.DisplayName,
            allocatorExpression,
            factories.ToEquatableArray());
    }

    /// <summary>
    /// The constructors a <c>Create</c> can mirror: public, internal or protected internal; not a record's
    /// copy constructor; not one that leaves <c>required</c> members unset.
    /// </summary>
    public static IEnumerable<IMethodSymbol> AccessibleConstructors(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        bool hasRequiredMembers = HasRequiredMembers(type, cancellationToken);
        foreach (IMethodSymbol constructor in type.InstanceConstructors)
        {
            if (constructor.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
                continue;
            if (type.IsRecord && constructor.Parameters.Length == 1
                && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type))
                continue;
            if (hasRequiredMembers && !HasAttribute(constructor, "SetsRequiredMembersAttribute"))
                continue;
            yield return constructor;
        }
    }

    private static FactoryModel ParseFactory(INamedTypeSymbol type, IMethodSymbol constructor, CancellationToken cancellationToken)
    {
        ImmutableArray<IParameterSymbol> parameters = constructor.Parameters;
        bool hasCallerInfo = parameters.IsEmpty || !parameters[parameters.Length - 1].IsParams;
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
            hasCallerInfo,
            isUnsafe,
            HidesInherited(type, constructor, hasCallerInfo, cancellationToken),
            ObsoleteAttribute(constructor));
    }

    // Create(parameters..., string? callerFilePath, int callerLineNumber) hides a base Create with the same
    // parameters: one the base declares, or one the generator gives a [ClassAllocator] base in this compilation.
    private static bool HidesInherited(INamedTypeSymbol type, IMethodSymbol constructor, bool hasCallerInfo, CancellationToken cancellationToken)
    {
        if (MemberLookup.AncestorHasMethod(type, "Create", constructor.Parameters, hasCallerInfo))
            return true;

        ImmutableArray<IParameterSymbol> parameters = constructor.Parameters;
        for (INamedTypeSymbol? ancestor = type.BaseType; ancestor is not null; ancestor = ancestor.BaseType)
        {
            if (ancestor.DeclaringSyntaxReferences.IsEmpty
                || KnownTypes.FindAttribute(ancestor.OriginalDefinition, "ClassAllocatorAttribute") is null)
                continue;
            foreach (IMethodSymbol baseConstructor in AccessibleConstructors(ancestor, cancellationToken))
            {
                ImmutableArray<IParameterSymbol> baseParameters = baseConstructor.Parameters;
                bool baseCallerInfo = baseParameters.IsEmpty || !baseParameters[baseParameters.Length - 1].IsParams;
                if (baseCallerInfo == hasCallerInfo && MemberLookup.SameParameters(baseParameters, parameters, callerInfo: false))
                    return true;
            }
        }
        return false;
    }

    // Whether the type or a base class declares a required field or property. A type in source is read from its
    // declarations: the `required` keyword is what makes a member required, and reading it binds nothing (the
    // members' symbols, with their types and attributes, would be bound again on every compilation change).
    // A metadata type's members are loaded once and shared by every compilation that references it; the chain
    // ends at object or ValueType, which have none.
    private static bool HasRequiredMembers(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (current.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType)
                break;
            ImmutableArray<SyntaxReference> declarations = current.OriginalDefinition.DeclaringSyntaxReferences;
            if (declarations.IsEmpty)
            {
                foreach (ISymbol member in current.GetMembers())
                {
                    if (member is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true })
                        return true;
                }
                continue;
            }

            foreach (SyntaxReference reference in declarations)
            {
                if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
                    continue;
                foreach (MemberDeclarationSyntax member in declaration.Members)
                {
                    if (member is PropertyDeclarationSyntax or FieldDeclarationSyntax && member.Modifiers.Any(SyntaxKind.RequiredKeyword))
                        return true;
                }
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

    private static bool HasAttribute(ISymbol symbol, string name)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass?.Name == name)
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
        var arguments = obsolete.ConstructorArguments.Select(a => a.ToCSharpString())
            .Concat(obsolete.NamedArguments.Select(a => $"{a.Key} = {a.Value.ToCSharpString()}"));
        return $"[global::System.Obsolete({string.Join(", ", arguments)})]";
    }
}
