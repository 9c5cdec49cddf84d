using System.Collections.Immutable;
using Memory.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Memory.Analyzers.Rules;

/// <summary>
/// MEM0021: a <c>[ClassAllocator]</c> type with <c>required</c> members whose public and internal constructors all
/// leave them unset (none has <c>[SetsRequiredMembers]</c>). <c>Create(...)</c> cannot take an object initializer,
/// so the generator mirrors none of them and the type gets no factory.
/// </summary>
/// <remarks>
/// A type with no public or internal constructor at all is MEM0015's; this rule speaks only when constructors
/// exist and the required members are what rules them out.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RequiredMembersAnalyzer : DiagnosticAnalyzer
{
    private const string SetsRequiredMembers = "System.Diagnostics.CodeAnalysis.SetsRequiredMembersAttribute";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.RequiredMembersWithoutConstructor];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (!MemorySymbols.TryCreate(start.Compilation, out var symbols) || symbols.ClassAllocatorAttribute is null)
                return;
            var setsRequiredMembers = start.Compilation.GetTypeByMetadataName(SetsRequiredMembers);
            start.RegisterSymbolAction(context =>
            {
                var type = (INamedTypeSymbol)context.Symbol;
                if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || type.IsStatic || type.IsAbstract
                    || MemorySymbols.FindAttribute(type, symbols.ClassAllocatorAttribute) is null
                    || FirstRequiredMember(type) is not { } required
                    || type.Locations.FirstOrDefault(l => l.IsInSource) is not { } location)
                    return;

                var candidates = type.InstanceConstructors.Where(c => IsMirrored(type, c)).ToList();
                if (candidates.Count == 0 || candidates.Any(c => MemorySymbols.FindAttribute(c, setsRequiredMembers) is not null))
                    return;
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.RequiredMembersWithoutConstructor, location, type.Name, "'" + required + "'"));
            }, SymbolKind.NamedType);
        });
    }

    // The constructors the generator would mirror but for the required members: public, internal or protected
    // internal, and not a record's copy constructor.
    private static bool IsMirrored(INamedTypeSymbol type, IMethodSymbol constructor)
        => constructor.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal
            && !(type.IsRecord && constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type));

    /// <summary>The name of the first required field or property of the type or a base class, for the message.</summary>
    private static string? FirstRequiredMember(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true })
                    return member.Name;
            }
        }
        return null;
    }
}
