using System.Collections.Concurrent;
using System.Collections.Immutable;
using Memory.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Memory.Analyzers.Rules;

/// <summary>
/// MEM0018: two types of the compilation with the same <c>[TypeId]</c>. Identifiers are compared as GUIDs, so
/// spelling (case, braces) does not hide a duplicate. Every type sharing an identifier gets a diagnostic naming
/// one of the others.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DuplicateTypeIdAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.DuplicateTypeId];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (!MemorySymbols.TryCreate(start.Compilation, out var symbols) || symbols.TypeIdAttribute is null)
                return;

            var seen = new ConcurrentBag<(Guid Id, INamedTypeSymbol Type, Location Location)>();
            start.RegisterSymbolAction(context =>
            {
                var type = (INamedTypeSymbol)context.Symbol;
                if (MemorySymbols.FindAttribute(type, symbols.TypeIdAttribute) is { } attribute
                    && TypeIds.TryParse(TypeIds.Text(attribute), out var id))
                    seen.Add((id, type, TypeIds.ArgumentLocation(attribute, type)));
            }, SymbolKind.NamedType);

            start.RegisterCompilationEndAction(context =>
            {
                foreach (var group in seen.GroupBy(entry => entry.Id).Where(group => group.Count() > 1))
                {
                    // Sorted so that every run names the same "other" type.
                    var sharing = group.OrderBy(entry => entry.Type.ToDisplayString(), StringComparer.Ordinal).ToArray();
                    for (int i = 0; i < sharing.Length; i++)
                    {
                        var other = sharing[i == 0 ? 1 : 0];
                        context.ReportDiagnostic(Diagnostic.Create(Descriptors.DuplicateTypeId, sharing[i].Location,
                            sharing[i].Type.Name, group.Key.ToString("B").ToUpperInvariant(), other.Type.ToDisplayString()));
                    }
                }
            });
        });
    }
}
