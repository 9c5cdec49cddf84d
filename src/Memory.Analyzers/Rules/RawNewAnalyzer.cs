using System.Collections.Concurrent;
using System.Collections.Immutable;
using Memory.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Memory.Analyzers.Rules;

/// <summary>
/// MEM0001: <c>new T(...)</c> (or a target-typed <c>new(...)</c>) of a type with <c>[ClassAllocator]</c>.
/// The generated <c>Create</c> is generated code and therefore never analysed.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RawNewAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.RawNew];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCode.SkippedByCallbacks);
        context.RegisterCompilationStartAction(static start =>
        {
            if (!MemorySymbols.TryCreate(start.Compilation, out var symbols) || symbols.ClassAllocatorAttribute is null)
                return;

            // Whether a type carries [ClassAllocator]; asked for every object creation, answered once per type.
            var managed = new ConcurrentDictionary<ITypeSymbol, bool>(SymbolEqualityComparer.Default);
            start.RegisterOperationAction(context =>
            {
                var creation = (IObjectCreationOperation)context.Operation;
                if (creation.Type is not INamedTypeSymbol type)
                    return;
                var definition = type.OriginalDefinition;
                if (!managed.TryGetValue(definition, out bool isManaged))
                    isManaged = managed.GetOrAdd(definition, MemorySymbols.FindAttribute(definition, symbols.ClassAllocatorAttribute) is not null);
                if (!isManaged || context.IsGeneratedCode)
                    return;
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.RawNew, creation.Syntax.GetLocation(),
                    type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
            }, OperationKind.ObjectCreation);
        });
    }
}
