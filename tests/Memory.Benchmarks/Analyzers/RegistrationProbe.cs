using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Memory.Benchmarks.Analyzers;

/// <summary>
/// Analyzers that register one kind of callback and do nothing in it: their telemetry is what the driver charges
/// an analyzer for the registration alone, the floor under any rule registered the same way.
/// </summary>
/// <remarks>Fixtures created by the benchmark, never loaded by a compiler: the rules for shipped analyzers do not apply.</remarks>
// Fixtures created by the benchmark, never loaded by a compiler: the rules for shipped analyzers do not apply.
#pragma warning disable RS1036, RS1041, RS2008
internal abstract class RegistrationProbe : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Rule = new("BENCH0002", "Never reported", "Never reported", "Benchmark",
        DiagnosticSeverity.Hidden, isEnabledByDefault: true);

    public static ImmutableArray<DiagnosticAnalyzer> All =>
        [new InvocationOperations(), new OperationBlocks(), new InvocationSyntax(), new SemanticModels()];

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        Register(context);
    }

    protected abstract void Register(AnalysisContext context);

    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class InvocationOperations : RegistrationProbe
    {
        protected override void Register(AnalysisContext context) => context.RegisterOperationAction(static _ => { }, OperationKind.Invocation);
    }

    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class OperationBlocks : RegistrationProbe
    {
        protected override void Register(AnalysisContext context) => context.RegisterOperationBlockAction(static _ => { });
    }

    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class InvocationSyntax : RegistrationProbe
    {
        protected override void Register(AnalysisContext context) => context.RegisterSyntaxNodeAction(static _ => { }, SyntaxKind.InvocationExpression);
    }

    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class SemanticModels : RegistrationProbe
    {
        protected override void Register(AnalysisContext context) => context.RegisterSemanticModelAction(static _ => { });
    }
}
