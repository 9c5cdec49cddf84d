using System.Collections.Immutable;
using Memory.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Memory.Analyzers.Rules;

/// <summary>
/// MEM0010–MEM0017: misuse of <c>[ClassAllocator]</c> and <c>[TypeId]</c> that leaves the generator nothing
/// sensible to emit. The generator itself never reports; these rules say why its output is missing.
/// </summary>
/// <remarks>
/// A <c>[TypeId]</c> type that implements the type-information interface by hand (as the runtime's
/// <c>OSAllocator</c> does) needs nothing generated and may stay non-partial. Interfaces and enums carry
/// <c>[TypeId]</c> as a marker only and are not checked for partiality.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GeneratorInputAnalyzer : DiagnosticAnalyzer
{
    private const string ClassAllocatorName = "ClassAllocator";
    private const string TypeIdName = "TypeId";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
    [
        Descriptors.TypeNotPartial, Descriptors.ContainingTypeNotPartial, Descriptors.StaticOrAbstractType, Descriptors.RefStruct,
        Descriptors.ManagedStruct, Descriptors.NoAccessibleConstructor, Descriptors.NotAnAllocator, Descriptors.MalformedTypeId,
    ];

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
        var classAllocator = MemorySymbols.FindAttribute(type, symbols.ClassAllocatorAttribute);
        var typeId = MemorySymbols.FindAttribute(type, symbols.TypeIdAttribute);
        if (classAllocator is null && typeId is null)
            return;
        var location = type.Locations.FirstOrDefault(l => l.IsInSource);
        if (location is null)
            return;
        string attributeName = classAllocator is not null ? ClassAllocatorName : TypeIdName;
        void Report(DiagnosticDescriptor descriptor, params object?[] arguments)
            => context.ReportDiagnostic(Diagnostic.Create(descriptor, location, arguments));

        // Partiality: everything the generator emits goes into the type and its containing types.
        bool handWritten = classAllocator is null && symbols.DeclaresTypeInfoInterface(type);
        if (type.TypeKind is TypeKind.Class or TypeKind.Struct && !handWritten)
        {
            if (!IsPartial(type))
                Report(Descriptors.TypeNotPartial, type.Name, attributeName);
            var outer = type.ContainingType;
            while (outer is not null && IsPartial(outer))
                outer = outer.ContainingType;
            if (outer is not null)
                Report(Descriptors.ContainingTypeNotPartial, type.Name, outer.Name);
        }

        if (classAllocator is not null)
            AnalyzeClassAllocator(type, classAllocator, symbols, context, Report);
        else if (type.IsStatic)
            Report(Descriptors.StaticOrAbstractType, type.Name, "static", TypeIdName);
        else if (type.IsAbstract && type.TypeKind == TypeKind.Class && symbols.IsAllocator(type))
            Report(Descriptors.StaticOrAbstractType, type.Name, "an abstract allocator", TypeIdName);

        if (typeId is not null && !TypeIds.TryParse(TypeIds.Text(typeId), out _))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.MalformedTypeId, TypeIds.ArgumentLocation(typeId, type),
                TypeIds.Text(typeId) ?? "null"));
        }
    }

    private static void AnalyzeClassAllocator(INamedTypeSymbol type, AttributeData attribute, MemorySymbols symbols,
        SymbolAnalysisContext context, Action<DiagnosticDescriptor, object?[]> report)
    {
        if (type.IsStatic)
            report(Descriptors.StaticOrAbstractType, [type.Name, "static", ClassAllocatorName]);
        else if (type.IsAbstract)
            report(Descriptors.StaticOrAbstractType, [type.Name, "abstract", ClassAllocatorName]);

        var allocator = attribute.ConstructorArguments is { Length: 1 } arguments ? arguments[0].Value as INamedTypeSymbol : null;
        if (type.IsRefLikeType)
            report(Descriptors.RefStruct, [type.Name]);
        else if (type.TypeKind == TypeKind.Struct && !type.IsUnmanagedType)
            report(Descriptors.ManagedStruct, [type.Name, FirstManagedField(type), allocator?.Name ?? "its allocator"]);

        if (type.TypeKind == TypeKind.Class && !type.IsStatic && !type.IsAbstract
            && !type.InstanceConstructors.Any(c => c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
            report(Descriptors.NoAccessibleConstructor, [type.Name]);

        string? problem = allocator is null ? "no type is named"
            : allocator.TypeKind == TypeKind.Error ? null // the compiler reports the missing type already
            : allocator.IsUnboundGenericType || allocator.TypeArguments.Any(t => t.TypeKind == TypeKind.TypeParameter) ? "an open generic type cannot be instantiated"
            // AllocatorBase itself does not derive from AllocatorBase, but what is wrong with it is that it is abstract.
            : !symbols.IsAllocator(allocator) && !SymbolEqualityComparer.Default.Equals(allocator, symbols.AllocatorBase) ? "it does not derive from AllocatorBase"
            : allocator.IsAbstract ? "it is abstract"
            : !symbols.HasTypeInfo(allocator) ? "it has no [TypeId]"
            : null;
        if (problem is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NotAnAllocator, TypeIds.ArgumentLocation(attribute, type),
                allocator?.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) ?? "null", problem));
        }
    }

    private static bool IsPartial(INamedTypeSymbol type)
        => type.DeclaringSyntaxReferences.Any(reference =>
            reference.GetSyntax() is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

    /// <summary>The first field that makes a struct managed, for the message.</summary>
    private static string FirstManagedField(INamedTypeSymbol type)
    {
        foreach (var member in type.GetMembers())
        {
            if (member is IFieldSymbol { IsStatic: false, IsConst: false } field && !field.Type.IsUnmanagedType)
                return "field '" + (field.AssociatedSymbol?.Name ?? field.Name) + "'";
        }
        return "a managed field";
    }
}
