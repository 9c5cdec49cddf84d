using System.Collections.Concurrent;
using System.Collections.Immutable;
using Memory.Analyzers.Infrastructure;
using Memory.Analyzers.Rules.Lifetime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Memory.Analyzers.Rules;

/// <summary>
/// MEM0030: a native block, <c>NativeRef&lt;T&gt;</c> or native container created in a method that, on some path out of
/// the method, is neither freed nor handed on. MEM0031: a block freed twice, or used after its free, on every path
/// that reaches the second free or the use.
/// </summary>
/// <remarks>
/// Only bodies that contain a creation call are analysed (see <see cref="Analysis"/>). See
/// <c>docs/rules/MEM0030.md</c> for what counts as freeing, handing on and an exception path.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NativeLifetimeAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Methods (<c>Name</c> or <c>Namespace.Type.Name</c>) whose arguments pass ownership to the callee.</summary>
    public const string OwnershipTransferMethodsOption = "ownership_transfer_methods";

    /// <summary>Methods (<c>Namespace.Type.Name</c>) besides the runtime's that return a block to free.</summary>
    public const string AllocationMethodsOption = "allocation_methods";

    /// <summary>Methods (<c>Namespace.Type.Name</c>) besides the runtime's that free the block passed first.</summary>
    public const string FreeMethodsOption = "free_methods";

    /// <summary><c>none</c>, <c>throw</c> (the default) or <c>calls</c>: which exception paths count as a way out.</summary>
    public const string ExceptionPathsOption = "exception_paths";

    /// <summary>The diagnostic property holding the statement that frees the block, when a try/finally can be added.</summary>
    public const string FreeStatementProperty = "FreeStatement";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.NativeLeak, Descriptors.NativeUseAfterFree];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (!MemorySymbols.TryCreate(start.Compilation, out var symbols))
                return;
            var analyzer = new Analysis(symbols, new RuleOptions(start.Options), start.Options);
            start.RegisterOperationAction(analyzer.OnCallOrNew, OperationKind.Invocation, OperationKind.ObjectCreation);
            start.RegisterOperationBlockAction(analyzer.OnBody);
        });
    }

    /// <remarks>
    /// The trigger is a plain operation action on calls and <c>new</c>s, answered by a name test for nearly all of
    /// them, which notes the bodies where a call creates a block; the driver builds the operation trees for every
    /// analyzer anyway, and runs a member's operation actions before its block actions. Only a noted body gets its
    /// control-flow graph built and analysed, in the block action, so that the diagnostics are the member's own (an
    /// editor shows them for the open file). Actions registered once cost far less than actions registered per
    /// member: an operation-block start action gives every member of the code base its own set of callbacks.
    /// </remarks>
    private sealed class Analysis(MemorySymbols symbols, RuleOptions options, AnalyzerOptions analyzerOptions)
    {
        private readonly Dictionary<(ImmutableHashSet<string>, ImmutableHashSet<string>, ImmutableHashSet<string>), LifetimeApis> _apis = new();
        private readonly ConcurrentDictionary<SyntaxTree, LifetimeApis> _apisByTree = new();

        // Bodies (by the syntax of their root operation) with a creation, from the operation action to the block action,
        // and how many are waiting: nearly every member has none, and its block action then returns on one read.
        private readonly ConcurrentDictionary<SyntaxNode, LifetimeApis> _bodiesWithCreation = new();
        private int _waitingBodies;
        private Func<SyntaxTree, LifetimeApis>? _apisFor;

        public void OnCallOrNew(OperationAnalysisContext context)
        {
            var operation = context.Operation;
            var apis = _apisByTree.GetOrAdd(operation.Syntax.SyntaxTree, _apisFor ??= ApisFor);
            bool candidate = operation switch
            {
                IInvocationOperation invocation => apis.MayCreate(invocation.TargetMethod.Name),
                IObjectCreationOperation creation => creation.Type is { Name: var name } && name.StartsWith("Native", StringComparison.Ordinal),
                _ => false,
            };
            if (!candidate || !apis.IsCreation(operation) || HandedOnAtBirth(operation))
                return;

            var root = operation;
            while (root.Parent is not null)
                root = root.Parent;
            if (root.Kind is OperationKind.MethodBody or OperationKind.ConstructorBody or OperationKind.Block
                or OperationKind.FieldInitializer or OperationKind.PropertyInitializer)
            {
                if (_bodiesWithCreation.TryAdd(root.Syntax, apis))
                    Interlocked.Increment(ref _waitingBodies);
            }
        }

        public void OnBody(OperationBlockAnalysisContext context)
        {
            if (Volatile.Read(ref _waitingBodies) == 0)
                return;
            List<FunctionFlow.Leak>? leaks = null;
            List<Diagnostic>? misuses = null;
            foreach (var block in context.OperationBlocks)
            {
                var root = block;
                while (root.Parent is not null)
                    root = root.Parent;
                if (!_bodiesWithCreation.TryRemove(root.Syntax, out var apis))
                    continue;
                Interlocked.Decrement(ref _waitingBodies);
                FunctionFlow.Analyze(context.GetControlFlowGraph(block), context.OwningSymbol, apis, CapturedLocals(root),
                    ExceptionPathsFor(root.Syntax.SyntaxTree), leaks ??= [], misuses ??= [], context.CancellationToken);
            }

            foreach (var leak in leaks ?? [])
            {
                var properties = leak.FixableLocal is { } local && FreeStatement(leak.Site, local) is { } statement
                    ? ImmutableDictionary<string, string?>.Empty.Add(FreeStatementProperty, statement)
                    : ImmutableDictionary<string, string?>.Empty;
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.NativeLeak, leak.Location, properties, Describe(leak.Site), leak.Reason));
            }
            foreach (var misuse in misuses ?? [])
                context.ReportDiagnostic(misuse);
        }

        private LifetimeApis ApisFor(SyntaxTree tree)
        {
            string id = Descriptors.NativeLeak.Id;
            var allocation = options.GetList(tree, id, AllocationMethodsOption, LifetimeApis.DefaultAllocationMethods);
            var free = options.GetList(tree, id, FreeMethodsOption, LifetimeApis.DefaultFreeMethods);
            var ownership = options.GetList(tree, id, OwnershipTransferMethodsOption, ImmutableHashSet<string>.Empty);
            lock (_apis)
            {
                if (!_apis.TryGetValue((allocation, free, ownership), out var apis))
                    _apis.Add((allocation, free, ownership), apis = new LifetimeApis(symbols, allocation, free, ownership));
                return apis;
            }
        }

        private ExceptionPaths ExceptionPathsFor(SyntaxTree tree)
        {
            string key = RuleOptions.Key(Descriptors.NativeLeak.Id, ExceptionPathsOption);
            var provider = analyzerOptions.AnalyzerConfigOptionsProvider;
            if (!provider.GetOptions(tree).TryGetValue(key, out string? value) && !provider.GlobalOptions.TryGetValue(key, out value))
                return ExceptionPaths.Throw;
            return value.Trim().ToLowerInvariant() switch
            {
                "none" => ExceptionPaths.None,
                "calls" => ExceptionPaths.Calls,
                _ => ExceptionPaths.Throw,
            };
        }

        /// <summary>
        /// Whether a creation's block leaves the body the moment it is made: stored straight into a field, a property
        /// or an array element, or returned. Nothing in the body holds it then, so the graph would find nothing to
        /// follow; a body is noted only for a creation that a local or an argument receives. On code that keeps its
        /// native blocks in fields (interop structs, buffers of a device) this spares most of the graphs.
        /// </summary>
        private static bool HandedOnAtBirth(IOperation creation)
        {
            var value = creation;
            while (value.Parent is IConversionOperation conversion)
                value = conversion;
            return value.Parent switch
            {
                IReturnOperation => true,
                ISimpleAssignmentOperation assignment => assignment.Value == value
                    && assignment.Target is IFieldReferenceOperation or IPropertyReferenceOperation or IArrayElementReferenceOperation
                    && assignment.Parent is IExpressionStatementOperation,
                _ => false,
            };
        }

        /// <summary>Locals read or written by a lambda or local function other than the one that declares them.</summary>
        private static HashSet<ILocalSymbol> CapturedLocals(IOperation root)
        {
            var captured = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
            foreach (var operation in root.DescendantsAndSelf())
            {
                if (operation is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                    continue;
                var span = operation.Syntax.Span;
                foreach (var reference in operation.Descendants().OfType<ILocalReferenceOperation>())
                {
                    var declaration = reference.Local.DeclaringSyntaxReferences.FirstOrDefault();
                    if (declaration is null || !span.Contains(declaration.Span))
                        captured.Add(reference.Local);
                }
            }
            return captured;
        }

        private static string Describe(IOperation site) => site.Syntax switch
        {
            InvocationExpressionSyntax invocation => invocation.Expression + (invocation.ArgumentList.Arguments.Count == 0 ? "()" : "(...)"),
            ObjectCreationExpressionSyntax creation => "new " + creation.Type + (creation.ArgumentList is { Arguments.Count: > 0 } ? "(...)" : "()"),
            var other => other.ToString(),
        };

        /// <summary>
        /// The statement that frees what <paramref name="site"/> created through <paramref name="local"/>, when the
        /// creation initialises a local declared alone in a block; null when the fix cannot say it.
        /// </summary>
        private static string? FreeStatement(IOperation site, ILocalSymbol local)
        {
            var syntax = site.Syntax;
            var outer = syntax;
            while (outer.Parent is CastExpressionSyntax or ParenthesizedExpressionSyntax)
                outer = outer.Parent;
            if (outer.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax statement } } }
                || statement.UsingKeyword != default || statement.Parent is not BlockSyntax)
                return null;

            string name = local.Name;
            ITypeSymbol? created = site.Type;
            bool pointerLocal = local.Type is IPointerTypeSymbol;
            string AsAddress() => SymbolEqualityComparer.Default.Equals(local.Type, created) ? name
                : pointerLocal && created?.SpecialType == SpecialType.System_IntPtr ? "(nint)" + name
                : string.Empty;

            switch (site)
            {
                case IObjectCreationOperation:
                    return SymbolEqualityComparer.Default.Equals(local.Type, created) ? name + ".Dispose();" : null;
                case IInvocationOperation invocation when syntax is InvocationExpressionSyntax call:
                {
                    var method = invocation.TargetMethod;
                    string address = AsAddress();
                    if (address.Length == 0)
                        return null;
                    var callee = call.Expression as MemberAccessExpressionSyntax;
                    switch (method.Name)
                    {
                        case "Malloc" or "Calloc" or "Realloc" when method.ContainingType.Name == "Az" && callee is { Name: GenericNameSyntax generic }:
                            return $"{callee.Expression}.Free{generic.TypeArgumentList}({address});";
                        case "Allocate" or "ReAllocate" when method.ContainingType.Name != "NativeObjects":
                            if (callee is null)
                                return invocation.Instance is IInstanceReferenceOperation ? $"DeAllocate({address});" : null;
                            return IsStable(callee.Expression) ? $"{callee.Expression}.DeAllocate({address});" : null;
                        case "Create":
                            return callee is not null ? $"{callee.Expression}.Destroy({address});" : $"Destroy({address});";
                    }
                    string? free = method.ContainingType.Name switch
                    {
                        "NativeMemory" => method.Name switch { "Alloc" or "AllocZeroed" => "Free", "AlignedAlloc" => "AlignedFree", _ => null },
                        "Marshal" when method.Name is "AllocHGlobal" || method.Name.StartsWith("StringToHGlobal", StringComparison.Ordinal) => "FreeHGlobal",
                        "Marshal" when method.Name is "AllocCoTaskMem" || method.Name.StartsWith("StringToCoTaskMem", StringComparison.Ordinal) => "FreeCoTaskMem",
                        _ => null,
                    };
                    return free is not null && callee is not null ? $"{callee.Expression}.{free}({name});" : null;
                }
                default:
                    return null;
            }
        }

        /// <summary>An expression the fix can evaluate again in the finally: names, member accesses and <c>AllocatorInstance&lt;T&gt;.Get()</c>.</summary>
        private static bool IsStable(ExpressionSyntax expression) => expression switch
        {
            SimpleNameSyntax or ThisExpressionSyntax or PredefinedTypeSyntax => true,
            MemberAccessExpressionSyntax access => IsStable(access.Expression),
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Get" } access, ArgumentList.Arguments.Count: 0 } => IsStable(access.Expression),
            _ => false,
        };
    }
}
