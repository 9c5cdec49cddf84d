using System.Collections.Immutable;
using Memory.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Memory.Analyzers.Rules;

/// <summary>
/// MEM0003: a static field or auto-property initialiser, or a static constructor assignment to a static member,
/// that allocates: object and array creation, collection expressions, non-constant strings, capturing lambdas, boxing.
/// </summary>
/// <remarks>
/// Values that do not allocate are fine: constants, literals, <c>typeof</c>, method calls such as
/// <c>Array.Empty&lt;T&gt;()</c>, struct values (a <c>static readonly</c> of an unmanaged value), non-capturing
/// lambdas (cached by the compiler) and empty collection expressions of arrays. Lock objects are exempt by
/// default (a lock cannot be created lazily without a lock): option <c>memory_analyzers.mem0003.exempt_types</c>.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StaticAllocationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The option naming the types whose creation is accepted; lock objects by default.</summary>
    public const string ExemptTypesOption = "exempt_types";

    /// <summary>Diagnostic property: where the allocation is, <see cref="InitializerContext"/> or <see cref="ConstructorContext"/>.</summary>
    public const string ContextProperty = "Context";

    /// <summary>The allocation is in a static field or auto-property initialiser.</summary>
    public const string InitializerContext = "Initializer";

    /// <summary>The allocation is in the value of an assignment in a static constructor.</summary>
    public const string ConstructorContext = "StaticConstructor";

    private static readonly ImmutableHashSet<string> DefaultExemptTypes =
        ImmutableHashSet.Create(StringComparer.Ordinal, "System.Object", "System.Threading.Lock");

    private static readonly ImmutableDictionary<string, string?> InitializerProperties =
        ImmutableDictionary<string, string?>.Empty.Add(ContextProperty, InitializerContext);

    private static readonly ImmutableDictionary<string, string?> ConstructorProperties =
        ImmutableDictionary<string, string?>.Empty.Add(ContextProperty, ConstructorContext);

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.StaticAllocation];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (!MemorySymbols.TryCreate(start.Compilation, out _))
                return;
            var options = new RuleOptions(start.Options);
            var collectionInterfaces = ImmutableHashSet.Create<ITypeSymbol?>(SymbolEqualityComparer.Default,
                start.Compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T),
                start.Compilation.GetSpecialType(SpecialType.System_Collections_Generic_IReadOnlyCollection_T),
                start.Compilation.GetSpecialType(SpecialType.System_Collections_Generic_IReadOnlyList_T),
                start.Compilation.GetTypeByMetadataName("System.Collections.Immutable.ImmutableArray`1"));

            void Report(ISymbol member, IOperation value, Action<Diagnostic> report, ImmutableDictionary<string, string?> properties)
            {
                var exempt = options.GetList(value.Syntax.SyntaxTree, Descriptors.StaticAllocation.Id, ExemptTypesOption, DefaultExemptTypes);
                StaticInitialization.Walk(value, operation =>
                {
                    string? allocation = DescribeAllocation(operation, exempt, collectionInterfaces);
                    if (allocation is null)
                        return false;
                    report(Diagnostic.Create(Descriptors.StaticAllocation, operation.Syntax.GetLocation(), properties, member.Name, allocation));
                    return true;
                });
            }

            StaticInitialization.RegisterInitializers(start, (member, value, report) => Report(member, value, report, InitializerProperties));
            StaticInitialization.RegisterStaticConstructors(start, (_, body, report) => StaticInitialization.Walk(body, operation =>
            {
                var (target, value) = operation switch
                {
                    ISimpleAssignmentOperation simple => (simple.Target, simple.Value),
                    ICoalesceAssignmentOperation coalesce => (coalesce.Target, coalesce.Value),
                    _ => (null, null),
                };
                if (target is null || value is null || StaticInitialization.StaticTarget(target) is not { } member)
                    return false;
                Report(member, value, report, ConstructorProperties);
                return true;
            }));
        });
    }

    /// <summary>What <paramref name="operation"/> allocates on the heap, in words for the message; null when nothing.</summary>
    private static string? DescribeAllocation(IOperation operation, ImmutableHashSet<string> exemptTypes, ImmutableHashSet<ITypeSymbol?> collectionInterfaces)
    {
        switch (operation)
        {
            case IObjectCreationOperation { Type: INamedTypeSymbol { IsReferenceType: true } type }:
                return RuleOptions.MatchesType(type, exemptTypes) ? null : "a new " + type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            case ITypeParameterObjectCreationOperation { Type.IsReferenceType: true } creation:
                return "a new " + creation.Type!.Name;
            case IAnonymousObjectCreationOperation:
                return "an anonymous object";
            case IArrayCreationOperation creation:
                return "an array of " + ((IArrayTypeSymbol)creation.Type!).ElementType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            case ICollectionExpressionOperation collection:
                return IsEmptyWithoutAllocation(collection, collectionInterfaces) ? null : "a collection expression";
            case IInterpolatedStringOperation interpolated:
                return interpolated.ConstantValue.HasValue ? null : "an interpolated string";
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String } concatenation:
                return concatenation.ConstantValue.HasValue ? null : "a string concatenation";
            case IInvocationOperation invocation when BuildsString(invocation.TargetMethod):
                return "a string built by " + invocation.TargetMethod.Name;
            case IConversionOperation { Operand.Type.IsValueType: true, Type.IsReferenceType: true } conversion:
                return "boxing of " + conversion.Operand.Type!.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            case IAnonymousFunctionOperation lambda when Captures(lambda):
                return "a closure";
            default:
                return null;
        }
    }

    private static bool IsEmptyWithoutAllocation(ICollectionExpressionOperation collection, ImmutableHashSet<ITypeSymbol?> collectionInterfaces)
    {
        if (!collection.Elements.IsEmpty)
            return false;
        // An empty collection expression of an array or of the read-only interfaces is Array.Empty<T>().
        return collection.Type is IArrayTypeSymbol
            || collection.Type is INamedTypeSymbol named && collectionInterfaces.Contains(named.OriginalDefinition);
    }

    private static bool BuildsString(IMethodSymbol method)
    {
        if (method.ReturnType.SpecialType != SpecialType.System_String)
            return false;
        if (method.ContainingType.SpecialType == SpecialType.System_String)
            return method.Name is not ("Intern" or "IsInterned" or "ToString");
        return method.Name == "ToString";
    }

    private static bool Captures(IAnonymousFunctionOperation lambda)
    {
        if (lambda.Symbol.IsStatic || lambda.SemanticModel is not { } model)
            return false;
        // Only variables declared outside the lambda make a closure at the point the lambda is created.
        var flow = model.AnalyzeDataFlow(lambda.Syntax);
        return flow is { Succeeded: true }
            && flow.CapturedInside.Any(variable => !variable.Locations.Any(location => lambda.Syntax.Span.Contains(location.SourceSpan)));
    }
}
