using System.Collections.Immutable;
using Memory.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Memory.Analyzers.Rules;

/// <summary>
/// MEM0002: calls (and method references) to <c>NativeMemory</c> and <c>Marshal</c> allocation APIs, the
/// <c>Marshal.StringTo*</c> copies included; the message says what the call does (allocates, resizes, frees, copies).
/// </summary>
/// <remarks>
/// The runtime's own OS layer is the one place such calls belong: inside the assembly that defines
/// <c>Memory.AllocatorBase</c>, the types <c>Memory.Schemas.OSSchema</c> and those in namespace
/// <c>Memory.Diagnostics</c> are exempt. Other code names its own platform layer with the
/// <c>memory_analyzers.mem0002.exempt_types</c> option.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RawNativeAllocationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The option naming types (or <c>Namespace.*</c>) allowed to call the platform allocator.</summary>
    public const string ExemptTypesOption = "exempt_types";

    private static readonly ImmutableHashSet<string> RuntimeOsLayer =
        ImmutableHashSet.Create(StringComparer.Ordinal, "Memory.Schemas.OSSchema", "Memory.Diagnostics.*");

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.RawNativeAllocation];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCode.SkippedByCallbacks);
        context.RegisterCompilationStartAction(static start =>
        {
            if (!MemorySymbols.TryCreate(start.Compilation, out var symbols))
                return;
            var nativeMemory = start.Compilation.GetTypeByMetadataName(NativeAllocationApis.NativeMemoryType);
            var marshal = start.Compilation.GetTypeByMetadataName(NativeAllocationApis.MarshalType);
            if (nativeMemory is null && marshal is null)
                return;

            var options = new RuleOptions(start.Options);
            var builtInExemptions = symbols.IsRuntime ? RuntimeOsLayer : ImmutableHashSet<string>.Empty;

            void Analyze(OperationAnalysisContext context, IMethodSymbol method)
            {
                var apis = SymbolEqualityComparer.Default.Equals(method.ContainingType, nativeMemory) ? NativeAllocationApis.NativeMemoryMethods
                    : SymbolEqualityComparer.Default.Equals(method.ContainingType, marshal) ? NativeAllocationApis.MarshalMethods
                    : null;
                if (apis is null || !apis.TryGetValue(method.Name, out var api) || context.IsGeneratedCode)
                    return;

                var caller = context.ContainingSymbol as INamedTypeSymbol ?? context.ContainingSymbol.ContainingType;
                if (RuleOptions.MatchesType(caller, builtInExemptions))
                    return;
                var tree = context.Operation.Syntax.SyntaxTree;
                if (RuleOptions.MatchesType(caller, options.GetList(tree, Descriptors.RawNativeAllocation.Id, ExemptTypesOption, ImmutableHashSet<string>.Empty)))
                    return;

                var (verb, advice) = NativeAllocationApis.Describe(api.Kind);
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.RawNativeAllocation, context.Operation.Syntax.GetLocation(),
                    method.ContainingType.Name + "." + method.Name, verb, advice));
            }

            start.RegisterOperationAction(context => Analyze(context, ((IInvocationOperation)context.Operation).TargetMethod), OperationKind.Invocation);
            start.RegisterOperationAction(context => Analyze(context, ((IMethodReferenceOperation)context.Operation).Method), OperationKind.MethodReference);
        });
    }
}
