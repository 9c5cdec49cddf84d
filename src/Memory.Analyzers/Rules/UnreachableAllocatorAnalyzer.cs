using System.Collections.Immutable;
using Memory.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Memory.Analyzers.Rules;

/// <summary>
/// The allocator that <c>[ClassAllocator(typeof(X))]</c> names is an allocator with a <c>[TypeId]</c> (MEM0016 is
/// silent), yet generated code has no way to its shared instance, so the type gets no factory:
/// MEM0022, <c>X</c> is in this compilation and cannot be created without arguments (its <c>[TypeId]</c> glue then has no
/// <c>CreateAllocator</c> and no <c>Instance</c>); MEM0024, <c>X</c> comes from a referenced assembly that implements no
/// <c>IAllocatorType&lt;X&gt;</c> (compiled at C# 10, which cannot implement it) and has no public static <c>Instance</c>.
/// </summary>
/// <remarks>
/// "Creatable" is the generator's rule: a constructor the class declares that can be called without arguments
/// (any accessibility), or, when it declares none, a base constructor callable without arguments or taking
/// <c>(string name, string description)</c>; or a <c>CreateAllocator</c> the class declares.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnreachableAllocatorAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [Descriptors.AllocatorNotCreatable, Descriptors.AllocatorWithoutSharedInstance];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (!MemorySymbols.TryCreate(start.Compilation, out var symbols)
                || symbols.ClassAllocatorAttribute is null || symbols.TypeIdAttribute is null)
                return;
            start.RegisterSymbolAction(context => Analyze(context, symbols), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, MemorySymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (MemorySymbols.FindAttribute(type, symbols.ClassAllocatorAttribute) is not { } attribute
            || attribute.ConstructorArguments is not { Length: 1 } arguments
            || arguments[0].Value is not INamedTypeSymbol allocator
            || allocator.TypeKind != TypeKind.Class || allocator.IsAbstract || !symbols.IsAllocator(allocator)
            || ImplementsAllocatorType(allocator, symbols)
            || MemorySymbols.FindAttribute(allocator.OriginalDefinition, symbols.TypeIdAttribute) is null)
            return;

        var location = TypeIds.ArgumentLocation(attribute, type);
        var definition = allocator.OriginalDefinition;
        if (definition.DeclaringSyntaxReferences.IsEmpty)
        {
            if (!HasSharedInstance(allocator))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.AllocatorWithoutSharedInstance, location,
                    allocator.Name, allocator.ContainingAssembly?.Name ?? "its assembly", type.Name));
            }
        }
        else if (!IsCreatable(definition))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.AllocatorNotCreatable, location, allocator.Name, type.Name));
        }
    }

    private static bool ImplementsAllocatorType(INamedTypeSymbol allocator, MemorySymbols symbols)
        => symbols.AllocatorType is { } allocatorType
            && allocator.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, allocatorType)
                && SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], allocator));

    private static bool HasSharedInstance(INamedTypeSymbol allocator)
        => allocator.GetMembers("Instance").Any(member => member is IPropertySymbol
        {
            IsStatic: true, IsIndexer: false, DeclaredAccessibility: Accessibility.Public, GetMethod.DeclaredAccessibility: Accessibility.Public,
        } property && SymbolEqualityComparer.Default.Equals(property.Type, allocator));

    private static bool IsCreatable(INamedTypeSymbol allocator)
    {
        if (allocator.GetMembers("CreateAllocator").Any(m => m is IMethodSymbol { IsStatic: true }))
            return true;
        var declared = allocator.InstanceConstructors.Where(c => !c.IsImplicitlyDeclared).ToList();
        if (declared.Count > 0)
            return declared.Any(CallableWithoutArguments);
        return allocator.BaseType is { } baseType
            && baseType.InstanceConstructors.Any(c => VisibleFrom(c, allocator) && (CallableWithoutArguments(c) || TakesNameAndDescription(c)));
    }

    private static bool CallableWithoutArguments(IMethodSymbol constructor)
        => constructor.Parameters.All(p => p.IsOptional || p.IsParams);

    private static bool TakesNameAndDescription(IMethodSymbol constructor)
    {
        bool name = false, description = false;
        foreach (var parameter in constructor.Parameters)
        {
            bool text = parameter.Type.SpecialType == SpecialType.System_String && parameter.RefKind == RefKind.None;
            if (text && parameter.Name == "name")
                name = true;
            else if (text && parameter.Name == "description")
                description = true;
            else if (!parameter.IsOptional && !parameter.IsParams)
                return false;
        }
        return name && description;
    }

    private static bool VisibleFrom(IMethodSymbol constructor, INamedTypeSymbol derived) => constructor.DeclaredAccessibility switch
    {
        Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal => true,
        Accessibility.Internal or Accessibility.ProtectedAndInternal => constructor.ContainingAssembly.GivesAccessTo(derived.ContainingAssembly),
        _ => false,
    };
}
