using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Memory.Generators.Parsing;

/// <summary>
/// The shape of what <c>[ClassAllocator]</c> adds to a type: which constructors get a <c>Create</c>, whether
/// the overloads record their call site, and which generated members a member the user declared rules out.
/// </summary>
/// <remarks>
/// The analyzers compile this file too (rules MEM0019 and MEM0020), so they report exactly what the generator
/// does. It walks symbols in place (no LINQ, no closures): it runs for every attributed type on every change.
/// </remarks>
internal static class FactoryShape
{
    /// <summary>The metadata name of the parameter type that separates constructor arguments from the call site.</summary>
    public const string BoundaryName = "CallSiteBoundary";

    /// <summary>
    /// The constructors a <c>Create</c> can mirror: public, internal or protected internal; not a record's
    /// copy constructor; not one that leaves <c>required</c> members unset.
    /// </summary>
    public static List<IMethodSymbol> AccessibleConstructors(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var constructors = new List<IMethodSymbol>(type.InstanceConstructors.Length);
        bool hasRequiredMembers = HasRequiredMembers(type, cancellationToken);
        foreach (IMethodSymbol constructor in type.InstanceConstructors)
        {
            if (constructor.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
                continue;
            if (type.IsRecord && constructor.Parameters.Length == 1
                && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type))
                continue;
            if (hasRequiredMembers && !HasAttributeNamed(constructor, "SetsRequiredMembersAttribute"))
                continue;
            constructors.Add(constructor);
        }
        return constructors;
    }

    /// <summary>
    /// For each constructor (in the order given), whether its <c>Create</c> ends with the call-site trailer
    /// <c>(CallSiteBoundary callSite = default, [CallerFilePath] file, [CallerLineNumber] line)</c> or repeats the
    /// constructor's parameters exactly and records no call site.
    /// </summary>
    /// <remarks>
    /// The trailer must not change which constructor C#'s overload resolution picks for an argument list. No
    /// argument a caller writes converts to the boundary (the untyped <c>default</c> literal aside), so with the
    /// trailer a <c>Create</c> is applicable exactly when its constructor is, and each argument converts as before.
    /// What can change is the tie-break that prefers a candidate needing no default arguments over one needing
    /// some: with the trailer every candidate needs defaults. So:
    /// <list type="bullet">
    /// <item>no constructor has an optional (default value, <c>[Optional]</c>, caller information) or <c>params</c>
    /// parameter: the tie-break never applied between them; every <c>Create</c> has the trailer;</item>
    /// <item>otherwise, when no two constructors accept a common number of arguments (required to total count,
    /// unbounded with <c>params</c>), no argument list is ever applicable to two of them, so there is nothing to
    /// break ties between: every <c>Create</c> has the trailer except one with <c>params</c>, which nothing may
    /// follow and which is repeated exactly;</item>
    /// <item>otherwise every <c>Create</c> is repeated exactly, so resolution among them is resolution among the
    /// constructors (mixing the two forms would bring the tie-break back).</item>
    /// </list>
    /// </remarks>
    public static bool[] CallSites(List<IMethodSymbol> constructors)
    {
        var callSites = new bool[constructors.Count];
        bool optional = false;
        for (int i = 0; i < constructors.Count && !optional; i++)
        {
            foreach (IParameterSymbol parameter in constructors[i].Parameters)
                optional |= parameter.IsOptional || parameter.IsParams;
        }
        if (optional && !ArgumentCountsDisjoint(constructors))
            return callSites;
        for (int i = 0; i < constructors.Count; i++)
        {
            ImmutableArray<IParameterSymbol> parameters = constructors[i].Parameters;
            callSites[i] = parameters.IsEmpty || !parameters[parameters.Length - 1].IsParams;
        }
        return callSites;
    }

    /// <summary>Why a <c>Create</c> without the trailer has none, for rule MEM0019.</summary>
    public static string NoCallSiteReason(IMethodSymbol constructor)
    {
        ImmutableArray<IParameterSymbol> parameters = constructor.Parameters;
        return !parameters.IsEmpty && parameters[parameters.Length - 1].IsParams
            ? "C# allows no parameter after 'params'"
            : "the type's constructors have optional or params parameters and accept some argument counts in common, so the call-site parameters would change which constructor a call picks";
    }

    // Whether the ranges [required, total] of argument counts the constructors accept are pairwise disjoint.
    // Quadratic in the constructors, which are few.
    private static bool ArgumentCountsDisjoint(List<IMethodSymbol> constructors)
    {
        for (int i = 0; i < constructors.Count; i++)
        {
            Range(constructors[i], out int low, out int high);
            for (int j = i + 1; j < constructors.Count; j++)
            {
                Range(constructors[j], out int otherLow, out int otherHigh);
                if (low <= otherHigh && otherLow <= high)
                    return false;
            }
        }
        return true;
    }

    private static void Range(IMethodSymbol constructor, out int low, out int high)
    {
        low = 0;
        high = 0;
        foreach (IParameterSymbol parameter in constructor.Parameters)
        {
            if (parameter.IsParams)
            {
                high = int.MaxValue;
                return;
            }
            // Named arguments can leave out an optional parameter anywhere, not only at the end.
            high++;
            if (!parameter.IsOptional)
                low++;
        }
    }

    /// <summary>Whether the type declares a member of that name that is not an ordinary method: no method of the name can be added.</summary>
    public static ISymbol? NonMethodMember(INamedTypeSymbol type, string name)
    {
        foreach (ISymbol member in type.GetMembers(name))
        {
            if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary } && !IsGenerated(member))
                return member;
        }
        return null;
    }

    /// <summary>
    /// The user's own <c>Create</c> with the parameter types of the one generated for
    /// <paramref name="constructor"/> (which a second declaration would duplicate, CS0111), or null.
    /// </summary>
    public static IMethodSymbol? DeclaredCreate(INamedTypeSymbol type, IMethodSymbol constructor, bool recordsCallSite)
    {
        ImmutableArray<IParameterSymbol> parameters = constructor.Parameters;
        foreach (ISymbol member in type.GetMembers("Create"))
        {
            if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary, Arity: 0 } method || IsGenerated(method))
                continue;
            if (SameSignature(method.Parameters, parameters, recordsCallSite))
                return method;
        }
        return null;
    }

    /// <summary>The user's own <c>Destroy</c> taking what the generated one takes (the instance, or the <c>NativeRef</c> of a struct), or null.</summary>
    public static IMethodSymbol? DeclaredDestroy(INamedTypeSymbol type, bool nativeStruct)
    {
        foreach (ISymbol member in type.GetMembers("Destroy"))
        {
            if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary, Arity: 0, Parameters.Length: 1 } method
                || IsGenerated(method) || method.Parameters[0].RefKind != RefKind.None)
                continue;
            ITypeSymbol parameter = method.Parameters[0].Type;
            if (nativeStruct
                ? parameter is INamedTypeSymbol { Name: "NativeRef", Arity: 1, ContainingNamespace: { Name: "Objects", ContainingNamespace: { Name: "Memory", ContainingNamespace.IsGlobalNamespace: true } } } handle
                    && SymbolEqualityComparer.Default.Equals(handle.TypeArguments[0], type)
                : SymbolEqualityComparer.Default.Equals(parameter, type))
                return method;
        }
        return null;
    }

    /// <summary>
    /// Whether a method with <paramref name="method"/>'s parameters has the signature of the <c>Create</c> for a
    /// constructor with <paramref name="parameters"/>: the same types, passed by value or by reference alike
    /// (C# cannot overload on <c>ref</c> against <c>out</c> or <c>in</c>), then the call-site trailer when
    /// <paramref name="callSite"/> is set.
    /// </summary>
    public static bool SameSignature(ImmutableArray<IParameterSymbol> method, ImmutableArray<IParameterSymbol> parameters, bool callSite)
    {
        int extra = callSite ? 3 : 0;
        if (method.Length != parameters.Length + extra)
            return false;
        for (int i = 0; i < parameters.Length; i++)
        {
            if ((method[i].RefKind == RefKind.None) != (parameters[i].RefKind == RefKind.None)
                || !SymbolEqualityComparer.Default.Equals(method[i].Type, parameters[i].Type))
                return false;
        }
        return !callSite
            || (IsBoundary(method[parameters.Length].Type)
                && method[parameters.Length + 1].Type.SpecialType == SpecialType.System_String
                && method[parameters.Length + 2].Type.SpecialType == SpecialType.System_Int32);
    }

    public static bool IsBoundary(ITypeSymbol type)
        => type is INamedTypeSymbol { Name: BoundaryName, Arity: 0, ContainingType: null }
            && type.ContainingNamespace is { Name: "Objects", ContainingNamespace: { Name: "Memory", ContainingNamespace.IsGlobalNamespace: true } };

    /// <summary>
    /// Whether the member comes from this generator. The analyzers see the generator's output in the compilation;
    /// the generator's own members are no conflict.
    /// </summary>
    public static bool IsGenerated(ISymbol member)
    {
        foreach (AttributeData attribute in member.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "GeneratedCodeAttribute" }
                && attribute.ConstructorArguments.Length == 2
                && attribute.ConstructorArguments[0].Value is "Memory.Generators")
                return true;
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

    private static bool HasAttributeNamed(ISymbol symbol, string name)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass?.Name == name)
                return true;
        }
        return false;
    }
}
