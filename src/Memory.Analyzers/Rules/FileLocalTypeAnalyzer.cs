using System.Collections.Immutable;
using Memory.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Memory.Analyzers.Rules;

/// <summary>
/// MEM0023: <c>[ClassAllocator]</c> or <c>[TypeId]</c> on a file-local type (<c>file class</c>), or on a type nested in
/// one. Every part of a file-local type must sit in its one file and generated members live in a file of their
/// own, so the generator cannot add anything to it, <c>partial</c> or not.
/// </summary>
/// <remarks>
/// A <c>[TypeId]</c> type that implements the type-information interface by hand needs nothing generated and is
/// left alone, as MEM0010 leaves it.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FileLocalTypeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.FileLocalType];

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
        bool classAllocator = MemorySymbols.FindAttribute(type, symbols.ClassAllocatorAttribute) is not null;
        bool typeId = !classAllocator && MemorySymbols.FindAttribute(type, symbols.TypeIdAttribute) is not null
            && !symbols.DeclaresTypeInfoInterface(type);
        if (!classAllocator && !typeId || type.Locations.FirstOrDefault(l => l.IsInSource) is not { } location)
            return;

        var fileLocal = type;
        while (fileLocal is not null && !fileLocal.IsFileLocal)
            fileLocal = fileLocal.ContainingType;
        if (fileLocal is null)
            return;
        string what = ReferenceEquals(fileLocal, type) ? "a file-local type" : "nested in the file-local type '" + fileLocal.Name + "'";
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.FileLocalType, location,
            type.Name, what, classAllocator ? "ClassAllocator" : "TypeId"));
    }
}
