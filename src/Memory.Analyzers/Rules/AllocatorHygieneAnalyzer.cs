using System.Collections.Immutable;
using Memory.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Memory.Analyzers.Rules;

/// <summary>
/// MEM0005: a concrete allocator class without type information, which <c>AllocatorInstance&lt;T&gt;</c> cannot manage.
/// MEM0006: a user allocator deriving from <c>SystemAllocator</c> instead of <c>ChildAllocator&lt;SystemAllocator&gt;</c>.
/// </summary>
/// <remarks>
/// Generic allocator definitions (such as <c>ChildAllocator&lt;TParent&gt;</c> itself) are bases, not shareable
/// allocators: one identifier cannot name every instantiation, so MEM0005 leaves them alone.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AllocatorHygieneAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [Descriptors.AllocatorWithoutTypeId, Descriptors.InheritsSystemAllocator];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (!MemorySymbols.TryCreate(start.Compilation, out var symbols))
                return;
            start.RegisterSymbolAction(context =>
            {
                var type = (INamedTypeSymbol)context.Symbol;
                if (type.TypeKind != TypeKind.Class || !symbols.IsAllocator(type))
                    return;
                var location = type.Locations.FirstOrDefault(l => l.IsInSource);
                if (location is null)
                    return;

                if (!type.IsAbstract && !type.IsGenericType && !symbols.HasTypeInfo(type))
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.AllocatorWithoutTypeId, location, type.Name));

                if (symbols.SystemAllocator is not null && SymbolEqualityComparer.Default.Equals(type.BaseType, symbols.SystemAllocator))
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.InheritsSystemAllocator, location, type.Name));
            }, SymbolKind.NamedType);
        });
    }
}
