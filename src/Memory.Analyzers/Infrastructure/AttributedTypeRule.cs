using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Memory.Analyzers.Infrastructure;

/// <summary>
/// The registration the rules about the generator's inputs share: a symbol action on every named type, in
/// compilations that reference the runtime and can see at least one of its attributes. (Each rule still enables
/// concurrent execution and skips generated code in its own <c>Initialize</c>, where the analyzer checks look for it.)
/// </summary>
internal static class AttributedTypeRule
{
    /// <summary>Registers <paramref name="analyze"/> for every named type, with the compilation's runtime symbols.</summary>
    public static void Register(AnalysisContext context, Action<SymbolAnalysisContext, MemorySymbols> analyze)
    {
        context.RegisterCompilationStartAction(start =>
        {
            if (!MemorySymbols.TryCreate(start.Compilation, out var symbols)
                || symbols.ClassAllocatorAttribute is null && symbols.TypeIdAttribute is null)
                return;
            start.RegisterSymbolAction(symbolContext => analyze(symbolContext, symbols), SymbolKind.NamedType);
        });
    }
}
