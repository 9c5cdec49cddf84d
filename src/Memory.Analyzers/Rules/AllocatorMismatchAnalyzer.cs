using System.Collections.Immutable;
using Memory.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Memory.Analyzers.Rules;

/// <summary>
/// MEM0007: a block or object returned to one allocator type when the code shows it came from another:
/// <c>Az.Free&lt;B&gt;</c>/<c>Az.Realloc&lt;B&gt;</c>, <c>DeAllocate</c>/<c>ReAllocate</c> on an allocator of type B, or a
/// generated <c>Destroy</c> of a type whose allocator is B, applied to the result of an allocation from A.
/// </summary>
/// <remarks>
/// "The code shows it" means the value is the allocation expression itself, or a local variable initialised with
/// it and never written again in the method. Anything less certain (fields, parameters, reassigned locals,
/// allocators typed as a non-sealed base) is not reported.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AllocatorMismatchAnalyzer : DiagnosticAnalyzer
{
    private const int MaxAliasDepth = 4;

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.AllocatorMismatch];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (!MemorySymbols.TryCreate(start.Compilation, out var symbols))
                return;
            var flow = new AllocationFlow(symbols);
            start.RegisterOperationAction(context =>
            {
                var invocation = (IInvocationOperation)context.Operation;
                if (flow.FreeTarget(invocation) is not ({ } freedTo, { } freed))
                    return;
                if (flow.AllocatorOf(freed, invocation, MaxAliasDepth) is not { } allocatedFrom
                    || SymbolEqualityComparer.Default.Equals(allocatedFrom, freedTo))
                    return;
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.AllocatorMismatch, invocation.Syntax.GetLocation(),
                    freed.Syntax.ToString(), allocatedFrom.Name, freedTo.Name));
            }, OperationKind.Invocation);
        });
    }

    /// <summary>Where blocks come from and go to, as far as one method body shows.</summary>
    private sealed class AllocationFlow(MemorySymbols symbols)
    {
        /// <summary>The allocator type a free returns to and the value it frees; nulls when the call is no free.</summary>
        public (INamedTypeSymbol? Allocator, IOperation? Value) FreeTarget(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (invocation.Arguments.IsEmpty)
                return default;
            var first = Argument(invocation, 0);
            switch (method.Name)
            {
                case "Free" or "Realloc" or "ReallocOrThrow" when IsAz(method):
                    return (SingleTypeArgument(method.TypeArguments), first);
                case "DeAllocate" or "ReAllocate" when invocation.Instance is { } receiver && IsAllocatorMember(method):
                    return (AllocatorOfReceiver(receiver), first);
                case "Destroy" when method.IsStatic:
                    return (symbols.ClassAllocatorOf(method.ContainingType), first);
                default:
                    return default;
            }
        }

        /// <summary>The allocator type <paramref name="value"/> was allocated from, when the method shows it.</summary>
        public INamedTypeSymbol? AllocatorOf(IOperation value, IOperation site, int depth)
        {
            value = Unwrap(value);
            switch (value)
            {
                case IInvocationOperation invocation:
                    return AllocatorOfAllocation(invocation);
                case ILocalReferenceOperation local when depth > 0:
                    return SingleDefinition(local.Local, site) is { } definition ? AllocatorOf(definition, site, depth - 1) : null;
                default:
                    return null;
            }
        }

        private INamedTypeSymbol? AllocatorOfAllocation(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            switch (method.Name)
            {
                case "Malloc" or "Calloc" or "Realloc" or "MallocOrThrow" or "CallocOrThrow" or "ReallocOrThrow" when IsAz(method):
                    return SingleTypeArgument(method.TypeArguments);
                case "Allocate" or "ReAllocate" when invocation.Instance is { } receiver && IsAllocatorMember(method):
                    return AllocatorOfReceiver(receiver);
                case "Create" when method.IsStatic:
                    return symbols.ClassAllocatorOf(method.ContainingType);
                default:
                    return null;
            }
        }

        /// <summary>
        /// The exact allocator type of a receiver: <c>AllocatorInstance&lt;T&gt;.Get()</c>, a static <c>T.Instance</c>,
        /// or a value whose static type is a sealed allocator class.
        /// </summary>
        private INamedTypeSymbol? AllocatorOfReceiver(IOperation receiver)
        {
            receiver = Unwrap(receiver);
            if (receiver is IInvocationOperation { TargetMethod: { Name: "Get", ContainingType: { } holder } }
                && SymbolEqualityComparer.Default.Equals(holder.OriginalDefinition, symbols.AllocatorInstance))
                return SingleTypeArgument(holder.TypeArguments);
            if (receiver is IPropertyReferenceOperation { Property: { IsStatic: true, Name: "Instance" } property }
                && SymbolEqualityComparer.Default.Equals(property.Type, property.ContainingType))
                return property.ContainingType;
            return receiver.Type is INamedTypeSymbol { IsSealed: true } type && symbols.IsAllocator(type) ? type : null;
        }

        private bool IsAz(IMethodSymbol method) => SymbolEqualityComparer.Default.Equals(method.ContainingType, symbols.Az);

        private bool IsAllocatorMember(IMethodSymbol method)
            => SymbolEqualityComparer.Default.Equals(method.ContainingType, symbols.AllocatorBase) || symbols.IsAllocator(method.ContainingType);

        private static INamedTypeSymbol? SingleTypeArgument(ImmutableArray<ITypeSymbol> arguments)
            => arguments.Length == 1 ? arguments[0] as INamedTypeSymbol : null;

        private static IOperation Argument(IInvocationOperation invocation, int ordinal)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Ordinal == ordinal)
                    return argument.Value;
            }
            return invocation.Arguments[0].Value;
        }

        private static IOperation Unwrap(IOperation operation)
        {
            while (operation is IConversionOperation or IParenthesizedOperation)
                operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
            return operation;
        }

        /// <summary>The initializer of a local that nothing else in the method writes; null otherwise.</summary>
        private static IOperation? SingleDefinition(ILocalSymbol local, IOperation site)
        {
            var root = site;
            while (root.Parent is not null)
                root = root.Parent;

            IOperation? initializer = null;
            // Lambdas included: a write from a closure counts as much as any other.
            foreach (var operation in root.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        initializer = declarator.Initializer?.Value;
                        break;
                    case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local) && IsWrite(reference):
                        return null;
                }
            }
            return initializer;
        }

        private static bool IsWrite(ILocalReferenceOperation reference) => reference.Parent switch
        {
            IAssignmentOperation assignment => assignment.Target == reference,
            IIncrementOrDecrementOperation => true,
            IArgumentOperation argument => argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out,
            IAddressOfOperation => true,
            ITupleOperation { Parent: IDeconstructionAssignmentOperation } => true,
            _ => false,
        };
    }
}
