using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Memory.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Memory.Generators.Parsing;

/// <summary>
/// Turns a <c>[TypeId]</c> type into a <see cref="TypeIdModel"/>, or null when nothing can be generated
/// (the analyzers report why).
/// </summary>
internal static class TypeIdParser
{
    public static TypeIdModel? Parse(INamedTypeSymbol type, AttributeData attribute, bool staticAbstractMembers, CancellationToken cancellationToken)
    {
        if (!TryReadId(attribute, out string id) || type.IsStatic)
            return null;
        if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct or TypeKind.Interface))
            return null;

        TypeDeclarationModel? declaration = TypeDeclarationParser.Parse(type, cancellationToken);
        if (declaration is null)
            return null;

        AllocatorGlueModel? allocator = type.TypeKind == TypeKind.Class && !type.IsAbstract && KnownTypes.IsAllocator(type)
            ? ParseAllocatorGlue(type)
            : null;

        // Members of the user's under the generated names that cannot implement the interfaces, or (for an
        // allocator) that the generated Instance cannot read: nothing is generated (rule MEM0020 says why).
        bool implementsInterface = staticAbstractMembers && type.TypeKind != TypeKind.Interface && !type.IsRefLikeType;
        if ((implementsInterface || allocator is not null) && TypeInfoMembers.Incompatible(type, allocator is not null) is not null)
            return null;

        bool ancestorHasTypeId = AncestorHasTypeId(type);
        return new TypeIdModel(
            declaration,
            id,
            IsGeneric: IsGeneric(type),
            IsRefLike: type.IsRefLikeType,
            ImplementsInterface: implementsInterface,
            EmitTypeId: !MemberLookup.Declares(type, "TypeId"),
            EmitTypeName: !MemberLookup.Declares(type, "TypeName"),
            HidesTypeId: ancestorHasTypeId || MemberLookup.AncestorHasMember(type, "TypeId"),
            HidesTypeName: ancestorHasTypeId || MemberLookup.AncestorHasMember(type, "TypeName"),
            allocator);
    }

    /// <summary>
    /// Reads the GUID of a <c>[TypeId]</c>: one string argument in registry form (<c>{...}</c>) or plain
    /// (<c>D</c>) form. Anything else is malformed.
    /// </summary>
    public static bool TryReadId(AttributeData attribute, out string id)
    {
        id = string.Empty;
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string text)
            return false;
        text = text.Trim();
        if (!Guid.TryParseExact(text, "B", out Guid guid) && !Guid.TryParseExact(text, "D", out guid))
            return false;
        id = guid.ToString("D").ToUpperInvariant();
        return true;
    }

    /// <summary>
    /// The glue that makes an allocator class an <c>IAllocatorType</c>: a factory (and, when the class
    /// declares no constructor, one that names it). Null when the class cannot be created by a
    /// parameterless call and does not declare <c>CreateAllocator</c> itself.
    /// </summary>
    public static AllocatorGlueModel? ParseAllocatorGlue(INamedTypeSymbol type)
    {
        bool declaresFactory = MemberLookup.Declares(type, "CreateAllocator");
        GeneratedConstructorModel? constructor = null;
        bool creatable;

        if (type.InstanceConstructors.Any(c => !c.IsImplicitlyDeclared))
        {
            // Any accessibility will do: CreateAllocator is a member of the type.
            creatable = type.InstanceConstructors.Any(c => !c.IsImplicitlyDeclared && CallableWithoutArguments(c));
        }
        else if (type.BaseType is { } baseType && baseType.InstanceConstructors.Any(c => VisibleFrom(c, type) && CallableWithoutArguments(c)))
        {
            creatable = true;
        }
        else if (type.BaseType is { } named && named.InstanceConstructors.Any(c => VisibleFrom(c, type) && TakesNameAndDescription(c)))
        {
            constructor = new GeneratedConstructorModel(type.Name, type.ToDisplayString(SymbolFormats.Display));
            creatable = true;
        }
        else
        {
            creatable = false;
        }

        if (!creatable && !declaresFactory)
            return null;

        bool baseHasGlue = type.BaseType is { } parent && AncestorIsGluedAllocator(parent);
        return new AllocatorGlueModel(
            EmitCreateAllocator: !declaresFactory,
            EmitInstance: !MemberLookup.Declares(type, "Instance"),
            HidesCreateAllocator: baseHasGlue || MemberLookup.AncestorHasMethod(type, "CreateAllocator", ImmutableArray<IParameterSymbol>.Empty, callSite: false),
            HidesInstance: baseHasGlue || MemberLookup.AncestorHasMember(type, "Instance"),
            constructor);
    }

    /// <summary>Whether the type or one of its containing types declares type parameters.</summary>
    public static bool IsGeneric(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? level = type; level is not null; level = level.ContainingType)
        {
            if (!level.TypeParameters.IsEmpty)
                return true;
        }
        return false;
    }

    private static bool CallableWithoutArguments(IMethodSymbol constructor)
        => constructor.Parameters.All(p => p.IsOptional || p.IsParams);

    // A base constructor (string name, string description, optional...) that a generated constructor can call.
    private static bool TakesNameAndDescription(IMethodSymbol constructor)
    {
        bool name = false, description = false;
        foreach (IParameterSymbol parameter in constructor.Parameters)
        {
            if (parameter.Name == "name" && parameter.Type.SpecialType == SpecialType.System_String && parameter.RefKind == RefKind.None)
                name = true;
            else if (parameter.Name == "description" && parameter.Type.SpecialType == SpecialType.System_String && parameter.RefKind == RefKind.None)
                description = true;
            else if (!parameter.IsOptional && !parameter.IsParams)
                return false;
        }
        return name && description;
    }

    private static bool VisibleFrom(IMethodSymbol constructor, INamedTypeSymbol derived) => constructor.DeclaredAccessibility switch
    {
        Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal => true,
        Accessibility.Internal or Accessibility.ProtectedAndInternal
            => constructor.ContainingAssembly.GivesAccessTo(derived.ContainingAssembly),
        _ => false,
    };

    // Generated members of source types are invisible to the parser, so a source base with [TypeId] counts
    // as having them.
    private static bool AncestorHasTypeId(INamedTypeSymbol type)
        => MemberLookup.AnyAncestor(type, 0, static (ancestor, _) => !ancestor.DeclaringSyntaxReferences.IsEmpty
            && KnownTypes.FindAttribute(ancestor.OriginalDefinition, "TypeIdAttribute") is not null);

    private static bool AncestorIsGluedAllocator(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (!current.DeclaringSyntaxReferences.IsEmpty && !current.IsAbstract
                && KnownTypes.FindAttribute(current.OriginalDefinition, "TypeIdAttribute") is not null
                && KnownTypes.IsAllocator(current))
                return true;
        }
        return false;
    }
}
