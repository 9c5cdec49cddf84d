using System.Collections.Immutable;
using Memory.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Memory.Analyzers.Rules;

/// <summary>
/// MEM0003: a static field or auto-property initialiser, or a static constructor assignment to a static member,
/// that allocates: object and array creation, collection expressions, non-constant strings, capturing lambdas, boxing.
/// One diagnostic per initialised value, at its first allocation.
/// </summary>
/// <remarks>
/// Values that do not allocate are fine: constants, literals, <c>typeof</c>, method calls such as
/// <c>Array.Empty&lt;T&gt;()</c>, struct values (a <c>static readonly</c> of an unmanaged value), non-capturing
/// lambdas (cached by the compiler) and empty collection expressions of arrays. So are values that are data or
/// defer their work: arrays of constants (lookup tables, what CA1861 asks for) and lazy wrappers
/// (<c>Lazy&lt;T&gt;</c>, <c>ThreadLocal&lt;T&gt;</c>) whose own creation is a small object and whose value is
/// created on first use. Lock objects are exempt by default (a lock cannot be created lazily without a lock):
/// option <c>memory_analyzers.mem0003.exempt_types</c>.
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

    /// <summary>The types whose creation defers the work to first use: created, they are not reported.</summary>
    public static readonly ImmutableArray<string> LazyWrapperTypes = ["System.Lazy`1", "System.Lazy`2", "System.Threading.ThreadLocal`1"];

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
        context.ConfigureGeneratedCodeAnalysis(GeneratedCode.SkippedByCallbacks);
        context.RegisterCompilationStartAction(static start =>
        {
            if (!MemorySymbols.TryCreate(start.Compilation, out _))
                return;
            var options = new RuleOptions(start.Options);
            var known = new KnownTypes(start.Compilation);

            void Report(ISymbol member, IOperation value, Action<Diagnostic> report, ImmutableDictionary<string, string?> properties)
            {
                var exempt = options.GetList(value.Syntax.SyntaxTree, Descriptors.StaticAllocation.Id, ExemptTypesOption, DefaultExemptTypes);
                IOperation? first = null;
                string? firstDescription = null;
                int count = 0;
                StaticInitialization.Walk(value, operation =>
                {
                    if (IsConstantTable(operation))
                        return true;
                    string? allocation = DescribeAllocation(operation, exempt, known);
                    if (allocation is null)
                        return false;
                    count++;
                    if (first is null || operation.Syntax.SpanStart < first.Syntax.SpanStart)
                        (first, firstDescription) = (operation, allocation);
                    return true;
                });
                if (first is null)
                    return;
                string description = count == 1 ? firstDescription! : firstDescription + " and " + (count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + " more";
                report(Diagnostic.Create(Descriptors.StaticAllocation, first.Syntax.GetLocation(), properties, member.Name, description));
            }

            StaticInitialization.RegisterInitializers(start, (member, value, report) => Report(member, value, report, InitializerProperties));
            StaticInitialization.RegisterStaticConstructors(start, (_, body, report) =>
            {
                foreach (var operation in StaticInitialization.Assignments(body))
                {
                    var (target, value) = operation switch
                    {
                        ISimpleAssignmentOperation simple => (simple.Target, simple.Value),
                        ICoalesceAssignmentOperation coalesce => (coalesce.Target, coalesce.Value),
                        _ => (null, null),
                    };
                    if (target is not null && value is not null && StaticInitialization.StaticTarget(target) is { } member)
                        Report(member, value, report, ConstructorProperties);
                }
            });
        });
    }

    /// <summary>The compilation's types the rule asks about, looked up once.</summary>
    private sealed class KnownTypes(Compilation compilation)
    {
        public ImmutableHashSet<ITypeSymbol?> EmptyCollectionInterfaces { get; } = ImmutableHashSet.Create<ITypeSymbol?>(SymbolEqualityComparer.Default,
            compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T),
            compilation.GetSpecialType(SpecialType.System_Collections_Generic_IReadOnlyCollection_T),
            compilation.GetSpecialType(SpecialType.System_Collections_Generic_IReadOnlyList_T),
            compilation.GetTypeByMetadataName("System.Collections.Immutable.ImmutableArray`1"));

        public ImmutableHashSet<ITypeSymbol?> LazyWrappers { get; } =
            LazyWrapperTypes.Select(compilation.GetTypeByMetadataName).Where(type => type is not null).ToImmutableHashSet<ITypeSymbol?>(SymbolEqualityComparer.Default);
    }

    /// <summary>
    /// An array of constants (or of struct values built from constants): the program's data, which CA1861 asks to
    /// keep in a <c>static readonly</c> field. It is allocated once, is read on hot paths, and a lazy accessor
    /// would cost every read more than the allocation costs once.
    /// </summary>
    private static bool IsConstantTable(IOperation operation) => operation switch
    {
        IArrayCreationOperation { Initializer: { } initializer } creation
            => creation.DimensionSizes.All(static size => size.ConstantValue.HasValue) && IsConstantInitializer(initializer),
        ICollectionExpressionOperation { Type: IArrayTypeSymbol, Elements.IsEmpty: false } collection
            => collection.Elements.All(IsConstantValue),
        _ => false,
    };

    private static bool IsConstantInitializer(IArrayInitializerOperation initializer)
        => initializer.ElementValues.All(static element => element is IArrayInitializerOperation nested ? IsConstantInitializer(nested) : IsConstantValue(element));

    private static bool IsConstantValue(IOperation value) => value switch
    {
        _ when value.ConstantValue.HasValue => true,
        IDefaultValueOperation or ITypeOfOperation => true,
        IConversionOperation { Type.IsValueType: true } conversion => IsConstantValue(conversion.Operand),
        IObjectCreationOperation { Type.IsValueType: true, Initializer: null } creation => creation.Arguments.All(static argument => IsConstantValue(argument.Value)),
        _ => false,
    };

    /// <summary>What <paramref name="operation"/> allocates on the heap, in words for the message; null when nothing.</summary>
    private static string? DescribeAllocation(IOperation operation, ImmutableHashSet<string> exemptTypes, KnownTypes known)
    {
        switch (operation)
        {
            case IObjectCreationOperation { Type: INamedTypeSymbol { IsReferenceType: true } type }:
                if (known.LazyWrappers.Contains(type.OriginalDefinition) || RuleOptions.MatchesType(type, exemptTypes))
                    return null;
                return "a new " + type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            case ITypeParameterObjectCreationOperation { Type.IsReferenceType: true } creation:
                return "a new " + creation.Type!.Name;
            case IAnonymousObjectCreationOperation:
                return "an anonymous object";
            case IArrayCreationOperation creation:
                return "an array of " + ((IArrayTypeSymbol)creation.Type!).ElementType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            case ICollectionExpressionOperation collection:
                return IsEmptyWithoutAllocation(collection, known.EmptyCollectionInterfaces) ? null : "a collection expression";
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
