using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Memory.Analyzers.Infrastructure;
using Memory.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Memory.Analyzers.Rules;

/// <summary>
/// MEM0019 and MEM0020: what the generator leaves out of a type that it otherwise generates for. MEM0019, a
/// <c>Create</c> that cannot record its call site without changing which constructor a call picks; MEM0020, a
/// member the type declares under a generated name, which the generator leaves its own out for (or, when the
/// type information cannot be implemented around it, everything).
/// </summary>
/// <remarks>
/// The decisions come from the generator's own code (<c>FactoryShape</c>, <c>TypeInfoMembers</c>, compiled into
/// this assembly too), so the rules and the output agree.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GeneratedMembersAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.NoCallSite, Descriptors.GeneratedMemberConflict];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        AttributedTypeRule.Register(context, Analyze);
    }

    private static void Analyze(SymbolAnalysisContext context, MemorySymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var location = type.Locations.FirstOrDefault(l => l.IsInSource);
        if (location is null)
            return;
        if (MemorySymbols.FindAttribute(type, symbols.ClassAllocatorAttribute) is not null
            && type.TypeKind is TypeKind.Class or TypeKind.Struct && !type.IsStatic && !type.IsAbstract && !type.IsRefLikeType)
            AnalyzeFactories(context, type, location);
        if (MemorySymbols.FindAttribute(type, symbols.TypeIdAttribute) is not null && !type.IsStatic)
            AnalyzeTypeInfo(context, symbols, type, location);
    }

    private static void AnalyzeFactories(SymbolAnalysisContext context, INamedTypeSymbol type, Location location)
    {
        List<IMethodSymbol> constructors = FactoryShape.AccessibleConstructors(type, context.CancellationToken);
        bool[] callSites = FactoryShape.CallSites(constructors);
        bool nativeStruct = type.TypeKind == TypeKind.Struct;

        if (FactoryShape.NonMethodMember(type, "Create") is { } createMember)
        {
            Conflict(context, type, createMember, location, $"a {Kind(createMember)} named 'Create'", "no Create is generated, so nothing can be created through the allocator");
        }
        else
        {
            for (int i = 0; i < constructors.Count; i++)
            {
                if (FactoryShape.DeclaredCreate(type, constructors[i], callSites[i]) is { } declared)
                {
                    Conflict(context, type, declared, location, $"'{declared.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}'",
                        $"the generator leaves out the Create for constructor '{constructors[i].ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}', and calls to it run the declared one");
                    continue;
                }
                if (!callSites[i])
                {
                    var constructorLocation = constructors[i].Locations.FirstOrDefault(l => l.IsInSource) ?? location;
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.NoCallSite, constructorLocation, type.Name,
                        string.Join(", ", constructors[i].Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat))),
                        FactoryShape.NoCallSiteReason(constructors[i])));
                }
            }
        }

        if (FactoryShape.NonMethodMember(type, "Destroy") is { } destroyMember)
            Conflict(context, type, destroyMember, location, $"a {Kind(destroyMember)} named 'Destroy'", "no Destroy is generated");
        else if (FactoryShape.DeclaredDestroy(type, nativeStruct) is { } destroy)
            Conflict(context, type, destroy, location, $"'{destroy.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}'",
                "the generator leaves its Destroy out; the declared one must end the tracking (TrackedObjects.Destroy, NativeObjects.Free)");
    }

    private static void AnalyzeTypeInfo(SymbolAnalysisContext context, MemorySymbols symbols, INamedTypeSymbol type, Location location)
    {
        bool csharp11 = location.SourceTree?.Options is CSharpParseOptions { LanguageVersion: >= LanguageVersion.CSharp11 };
        bool allocator = type.TypeKind == TypeKind.Class && !type.IsAbstract && symbols.IsAllocator(type);
        bool implementsInterface = csharp11 && type.TypeKind != TypeKind.Interface && !type.IsRefLikeType;
        if ((implementsInterface || allocator) && TypeInfoMembers.Incompatible(type, allocator) is { } member)
        {
            string expected = member.Name switch
            {
                "TypeId" => "public static System.Guid TypeId { get; }",
                "TypeName" => "public static string TypeName { get; }",
                _ => $"public static {type.Name} CreateAllocator()",
            };
            Conflict(context, type, member, location, $"a '{member.Name}' that is not '{expected}'",
                implementsInterface
                    ? (allocator ? "IAllocatorType" : "ITypeInfo") + " cannot be implemented around it, so nothing is generated for the type"
                    : "the generated Instance cannot use it, so nothing is generated for the type");
            return;
        }

        if (allocator && !csharp11 && FactoryShape.NonMethodMember(type, "Instance") is { } instance && !TypeInfoMembers.UsableInstance(type))
        {
            Conflict(context, type, instance, location, $"an 'Instance' that is not a static property of type '{type.Name}'",
                "at C# 10 [ClassAllocator] types cannot reach the allocator through it and get no Create");
        }
    }

    private static void Conflict(SymbolAnalysisContext context, INamedTypeSymbol type, ISymbol member, Location fallback, string what, string consequence)
    {
        var location = member.Locations.FirstOrDefault(l => l.IsInSource) ?? fallback;
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.GeneratedMemberConflict, location, type.Name, what, consequence));
    }

    private static string Kind(ISymbol member) => member switch
    {
        IPropertySymbol => "property",
        IFieldSymbol => "field",
        IEventSymbol => "event",
        INamedTypeSymbol => "nested type",
        _ => "member",
    };
}
