using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Memory.Analyzers.Rules.Lifetime;

/// <summary>Which exception paths MEM0030 follows (option <c>memory_analyzers.mem0030.exception_paths</c>).</summary>
internal enum ExceptionPaths
{
    /// <summary>None: only returns and the end of the method.</summary>
    None,

    /// <summary>Explicit <c>throw</c> statements and expressions (the default).</summary>
    Throw,

    /// <summary>Also every call and object creation, as if each may throw.</summary>
    Calls,
}

/// <summary>
/// The lifetime analysis of one function body (a method, accessor, lambda or local function) over its control-flow
/// graph: a forward data flow whose facts are, per allocation site, the states its block may be in. Finally
/// regions run as sub-analyses on every branch that leaves their try; exceptions reach catch handlers and the exit
/// only from explicit throws (or, when asked, from every call). Reports are made in one pass after the fixed point.
/// </summary>
internal sealed class FunctionFlow
{
    private const int MaxSites = 64;
    private const int MaxSteps = 20_000;

    private readonly ControlFlowGraph _graph;
    private readonly ISymbol _function;
    private readonly LifetimeApis _apis;
    private readonly ISet<ILocalSymbol> _captured;
    private readonly ExceptionPaths _exceptionPaths;

    private readonly Dictionary<IOperation, int> _sites = new();
    private readonly List<IOperation> _siteOperations = new();
    private readonly Dictionary<ILocalSymbol, int> _localSlots = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<CaptureId, int> _captureSlots = new();

    // Filled by the reporting pass.
    private readonly Dictionary<int, (Location Location, string Reason)> _leaks = new();
    private readonly Dictionary<int, Diagnostic> _misuses = new();
    private readonly Dictionary<int, int> _siteLocal = new();
    private readonly HashSet<int> _disqualifiedLocals = new();
    private readonly Dictionary<int, int> _localWrites = new();

    private bool _reporting;
    private int _steps;
    private BasicBlock _block = null!;
    private Role _rootRole;

    private enum Role
    {
        Statement,
        Condition,
        Returned,
        Thrown,
    }

    private enum Consumer
    {
        Touch,
        Use,
        AssignVariable,
        Discard,
        Escape,
        Free,
        Dispose,
        Reallocate,
    }

    private FunctionFlow(ControlFlowGraph graph, ISymbol function, LifetimeApis apis, ISet<ILocalSymbol> captured, ExceptionPaths exceptionPaths)
    {
        _graph = graph;
        _function = function;
        _apis = apis;
        _captured = captured;
        _exceptionPaths = exceptionPaths;
    }

    /// <summary>A leak found: the allocation, why, and the statement that frees it if a try/finally can be added.</summary>
    public readonly struct Leak(IOperation site, Location location, string reason, ILocalSymbol? fixableLocal)
    {
        public IOperation Site { get; } = site;
        public Location Location { get; } = location;
        public string Reason { get; } = reason;
        public ILocalSymbol? FixableLocal { get; } = fixableLocal;
    }

    /// <summary>Analyses <paramref name="graph"/> and the graphs of the lambdas and local functions inside it.</summary>
    public static void Analyze(ControlFlowGraph graph, ISymbol function, LifetimeApis apis, ISet<ILocalSymbol> captured,
        ExceptionPaths exceptionPaths, List<Leak> leaks, List<Diagnostic> misuses, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var flow = new FunctionFlow(graph, function, apis, captured, exceptionPaths);
        flow.Run(leaks, misuses);

        foreach (var localFunction in graph.LocalFunctions)
            Analyze(graph.GetLocalFunctionControlFlowGraph(localFunction, cancellationToken), localFunction, apis, captured, exceptionPaths, leaks, misuses, cancellationToken);
        foreach (var block in graph.Blocks)
        {
            foreach (var operation in Roots(block))
            {
                foreach (var lambda in operation.DescendantsAndSelf().OfType<IFlowAnonymousFunctionOperation>())
                    Analyze(graph.GetAnonymousFunctionControlFlowGraph(lambda, cancellationToken), lambda.Symbol, apis, captured, exceptionPaths, leaks, misuses, cancellationToken);
            }
        }
    }

    private void Run(List<Leak> leaks, List<Diagnostic> misuses)
    {
        if (!Discover() || _sites.Count == 0)
            return;
        var main = new Frame(null, _graph.Blocks.Length);
        main.Enter(0, new FlowState(_sites.Count, _localSlots.Count + _captureSlots.Count));
        try
        {
            Solve(main);
            _reporting = true;
            ReportPass(main);
        }
        catch (TooComplexException)
        {
            // Stay quiet where the analysis cannot finish.
            return;
        }

        foreach (var pair in _leaks.OrderBy(static p => p.Key))
        {
            ILocalSymbol? fixable = null;
            if (_siteLocal.TryGetValue(pair.Key, out int slot) && !_disqualifiedLocals.Contains(slot)
                && _localWrites.TryGetValue(slot, out int writes) && writes == 1)
                fixable = _localSlots.First(p => p.Value == slot).Key;
            leaks.Add(new Leak(_siteOperations[pair.Key], pair.Value.Location, pair.Value.Reason, fixable));
        }
        misuses.AddRange(_misuses.OrderBy(static p => p.Key).Select(static p => p.Value));
    }

    /// <summary>Numbers the allocation sites and the variables; false when there are too many sites to follow.</summary>
    private bool Discover()
    {
        var madeAllocators = AllocatorsMadeHere();
        foreach (var block in _graph.Blocks)
        {
            foreach (var root in Roots(block))
            {
                foreach (var operation in root.DescendantsAndSelf())
                {
                    switch (operation)
                    {
                        case IFlowCaptureOperation capture when !_captureSlots.ContainsKey(capture.Id):
                            _captureSlots.Add(capture.Id, _localSlots.Count + _captureSlots.Count);
                            break;
                        case ILocalReferenceOperation local when IsTracked(local.Local) && !_localSlots.ContainsKey(local.Local):
                            _localSlots.Add(local.Local, _localSlots.Count + _captureSlots.Count);
                            break;
                        default:
                            if (!_sites.ContainsKey(operation) && _apis.IsCreation(operation) && !IsFromAllocatorMadeHere(operation, madeAllocators))
                            {
                                if (_sites.Count == MaxSites)
                                    return false;
                                _sites.Add(operation, _sites.Count);
                                _siteOperations.Add(operation);
                            }
                            break;
                    }
                }
            }
        }
        return true;
    }

    /// <summary>
    /// Locals holding an allocator this function made itself (with <c>new</c> or a factory, not a shared
    /// <c>AllocatorInstance&lt;T&gt;.Get()</c> or <c>T.Instance</c>): its blocks end with it, typically at a <c>using</c>.
    /// </summary>
    private HashSet<ILocalSymbol> AllocatorsMadeHere()
    {
        var made = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        foreach (var block in _graph.Blocks)
        {
            foreach (var root in Roots(block))
            {
                foreach (var assignment in root.DescendantsAndSelf().OfType<ISimpleAssignmentOperation>())
                {
                    if (assignment.Target is not ILocalReferenceOperation { Local: { } local } || !_apis.IsAllocatorType(local.Type))
                        continue;
                    var value = Unwrap(assignment.Value);
                    bool shared = value is IInvocationOperation { TargetMethod: { Name: "Get", ContainingType.Name: "AllocatorInstance" } }
                        or IPropertyReferenceOperation { Property: { Name: "Instance", IsStatic: true } }
                        or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation;
                    if (!shared)
                        made.Add(local);
                }
            }
        }
        return made;
    }

    private static bool IsFromAllocatorMadeHere(IOperation operation, HashSet<ILocalSymbol> made)
        => made.Count > 0 && operation is IInvocationOperation { TargetMethod.Name: "Allocate" or "ReAllocate", Instance: { } receiver }
            && Unwrap(receiver) is ILocalReferenceOperation { Local: { } local } && made.Contains(local);

    private bool IsTracked(ILocalSymbol local)
        => !local.IsRef && SymbolEqualityComparer.Default.Equals(local.ContainingSymbol, _function) && !_captured.Contains(local);

    private static IEnumerable<IOperation> Roots(BasicBlock block)
        => block.BranchValue is { } branch ? block.Operations.Append(branch) : block.Operations;

    // ---- solving ----

    /// <summary>The blocks of the whole graph, or of one finally region run as a sub-analysis.</summary>
    private sealed class Frame(ControlFlowRegion? region, int blockCount)
    {
        public ControlFlowRegion? Region { get; } = region;
        public FlowState?[] In { get; } = new FlowState?[blockCount];
        public SortedSet<int> Pending { get; } = new();
        public FlowState? Out { get; set; }

        public bool Contains(int ordinal) => Region is null || (ordinal >= Region.FirstBlockOrdinal && ordinal <= Region.LastBlockOrdinal);

        public void Enter(int ordinal, FlowState state)
        {
            if (In[ordinal] is { } existing)
            {
                if (!existing.MergeFrom(state))
                    return;
            }
            else
            {
                In[ordinal] = state.Clone();
            }
            Pending.Add(ordinal);
        }
    }

    private sealed class TooComplexException : Exception
    {
    }

    private readonly Stack<Frame> _frames = new();

    private void Solve(Frame frame)
    {
        _frames.Push(frame);
        try
        {
            while (frame.Pending.Count > 0)
            {
                if (++_steps > MaxSteps)
                    throw new TooComplexException();
                int ordinal = frame.Pending.Min;
                frame.Pending.Remove(ordinal);
                Transfer(_graph.Blocks[ordinal], frame.In[ordinal]!.Clone(), frame);
            }
        }
        finally
        {
            _frames.Pop();
        }
    }

    private void ReportPass(Frame frame)
    {
        _frames.Push(frame);
        try
        {
            for (int ordinal = 0; ordinal < frame.In.Length; ordinal++)
            {
                if (frame.In[ordinal] is { } state && frame.Contains(ordinal))
                    Transfer(_graph.Blocks[ordinal], state.Clone(), frame);
            }
        }
        finally
        {
            _frames.Pop();
        }
    }

    /// <summary>Runs a finally region from <paramref name="state"/>; the state at its end, or null when it never ends normally.</summary>
    private FlowState? RunFinally(ControlFlowRegion region, FlowState state)
    {
        var frame = new Frame(region, _graph.Blocks.Length);
        frame.Enter(region.FirstBlockOrdinal, state);
        bool reporting = _reporting;
        _reporting = false;
        Solve(frame);
        _reporting = reporting;
        if (reporting)
        {
            frame.Out = null;
            ReportPass(frame);
        }
        return frame.Out;
    }

    private void Transfer(BasicBlock block, FlowState state, Frame frame)
    {
        _block = block;
        foreach (var operation in block.Operations)
        {
            Walk(operation, Role.Statement, state);
            // A call that never returns ([DoesNotReturn]: Assert.Fail, a throw helper) ends the path here.
            if ((operation is IExpressionStatementOperation { Operation: var expression } ? expression : operation) is IInvocationOperation { TargetMethod: var method }
                && DoesNotReturn(method))
                return;
        }

        var condition = block.BranchValue;
        if (condition is not null)
        {
            var role = block.ConditionalSuccessor is not null ? Role.Condition
                : block.FallThroughSuccessor?.Semantics == ControlFlowBranchSemantics.Return ? Role.Returned
                : block.FallThroughSuccessor?.Semantics is ControlFlowBranchSemantics.Throw or ControlFlowBranchSemantics.Rethrow ? Role.Thrown
                : Role.Condition;
            _block = block;
            Walk(condition, role, state);
        }

        if (block.ConditionalSuccessor is { } conditional && condition is not null)
        {
            bool whenTrue = block.ConditionKind == ControlFlowConditionKind.WhenTrue;
            Follow(block, conditional, Narrow(state, condition, whenTrue), frame);
            if (block.FallThroughSuccessor is { } fallThrough)
                Follow(block, fallThrough, Narrow(state, condition, !whenTrue), frame);
        }
        else if (block.FallThroughSuccessor is { } fallThrough)
        {
            Follow(block, fallThrough, state, frame);
        }
    }

    private static bool DoesNotReturn(IMethodSymbol method)
    {
        // Test frameworks' Assert.Fail always throws, annotated or not (xunit's is not).
        if (method is { Name: "Fail", IsStatic: true, ContainingType.Name: "Assert" })
            return true;
        foreach (var attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "DoesNotReturnAttribute" })
                return true;
        }
        return false;
    }

    private void Follow(BasicBlock from, ControlFlowBranch branch, FlowState state, Frame frame)
    {
        FlowState? current = state;
        foreach (var region in branch.FinallyRegions)
        {
            current = RunFinally(region, current.Clone());
            if (current is null)
                return;
        }

        switch (branch.Semantics)
        {
            case ControlFlowBranchSemantics.Regular or ControlFlowBranchSemantics.Return:
                if (branch.Destination is not { } destination)
                    return;
                if (destination.Kind == BasicBlockKind.Exit)
                    AtExit(current, branch.Semantics == ControlFlowBranchSemantics.Return ? ReturnReason(from)
                        : IsLastStatement(from) ? "reaches its end"
                        : "returns early");
                else
                    Enter(destination.Ordinal, current, frame);
                break;
            case ControlFlowBranchSemantics.Throw or ControlFlowBranchSemantics.Rethrow:
                // Throws the compiler adds (a switch expression without a match) are not the code's own way out.
                if (_exceptionPaths != ExceptionPaths.None && !(from.BranchValue is { } thrown && Unwrap(thrown).IsImplicit))
                    Raise(from, current, ThrowReason(from));
                break;
            case ControlFlowBranchSemantics.StructuredExceptionHandling:
                if (!_reporting && frame.Region is not null)
                {
                    if (frame.Out is null)
                        frame.Out = current.Clone();
                    else
                        frame.Out.MergeFrom(current);
                }
                else if (_reporting && frame.Region is not null)
                {
                    frame.Out = current;
                }
                break;
        }
    }

    private void Enter(int ordinal, FlowState state, Frame frame)
    {
        if (_reporting)
            return;
        foreach (var candidate in _frames)
        {
            if (candidate.Contains(ordinal))
            {
                candidate.Enter(ordinal, state);
                return;
            }
        }
    }

    /// <summary>An exception leaves <paramref name="from"/>: it runs the finally regions around it and stops at the first catch.</summary>
    private void Raise(BasicBlock from, FlowState state, string reason)
    {
        FlowState? current = state;
        for (var region = from.EnclosingRegion; region is not null; region = region.EnclosingRegion)
        {
            if (region.Kind != ControlFlowRegionKind.Try || region.EnclosingRegion is not { } tryAnd)
                continue;
            if (tryAnd.Kind == ControlFlowRegionKind.TryAndFinally)
            {
                current = RunFinally(tryAnd.NestedRegions[1], current.Clone());
                if (current is null)
                    return;
            }
            else if (tryAnd.Kind == ControlFlowRegionKind.TryAndCatch)
            {
                // Every handler may be the one that catches it; none lets it go on (precision before completeness).
                for (int i = 1; i < tryAnd.NestedRegions.Length; i++)
                    Enter(tryAnd.NestedRegions[i].FirstBlockOrdinal, current, _frames.Last());
                return;
            }
        }
        AtExit(current, reason);
    }

    private void AtExit(FlowState state, string reason)
    {
        if (!_reporting)
            return;
        for (int site = 0; site < state.Blocks.Length; site++)
        {
            if ((state.Blocks[site] & FlowState.Live) != 0 && !_leaks.ContainsKey(site))
                _leaks.Add(site, (_siteOperations[site].Syntax.GetLocation(), reason));
        }
    }

    /// <summary>Whether no reachable block outside a finally follows <paramref name="from"/>: the method's end, not an early return.</summary>
    private bool IsLastStatement(BasicBlock from)
    {
        var main = _frames.Last();
        for (int ordinal = from.Ordinal + 1; ordinal < _graph.Blocks.Length - 1; ordinal++)
        {
            if (main.In[ordinal] is not null && !InFinally(_graph.Blocks[ordinal]))
                return false;
        }
        return true;
    }

    private static bool InFinally(BasicBlock block)
    {
        for (var region = block.EnclosingRegion; region is not null; region = region.EnclosingRegion)
        {
            if (region.Kind is ControlFlowRegionKind.Finally)
                return true;
        }
        return false;
    }

    private static string ReturnReason(BasicBlock block)
    {
        var syntax = block.BranchValue?.Syntax ?? block.Operations.LastOrDefault()?.Syntax;
        var statement = syntax?.FirstAncestorOrSelf<ReturnStatementSyntax>();
        return statement is not null ? "returns at line " + Line(statement) : "returns";
    }

    private static string ThrowReason(BasicBlock block)
    {
        var syntax = block.BranchValue?.Syntax;
        return syntax is not null ? "throws at line " + Line(syntax) : "rethrows";
    }

    private static int Line(SyntaxNode node) => node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    // ---- operations ----

    private void Walk(IOperation operation, Role role, FlowState state)
    {
        _rootRole = role;
        WalkTree(operation, state);
    }

    private void WalkTree(IOperation operation, FlowState state)
    {
        if (operation is IFlowAnonymousFunctionOperation)
            return;
        foreach (var child in operation.ChildOperations)
            WalkTree(child, state);
        Visit(operation, state);
    }

    private void Visit(IOperation operation, FlowState state)
    {
        if (_sites.TryGetValue(operation, out int site))
        {
            state.Set(1UL << site, FlowState.Live);
            Consume(operation, 1UL << site, state, creation: true);
            return;
        }

        switch (operation)
        {
            case ILocalReferenceOperation local when _localSlots.TryGetValue(local.Local, out int slot) && !IsWriteTarget(local):
                if (state.Variables[slot] != 0)
                    Consume(operation, state.Variables[slot], state, creation: false, slot);
                break;
            case IFlowCaptureReferenceOperation reference when _captureSlots.TryGetValue(reference.Id, out int slot):
                if (state.Variables[slot] != 0)
                    Consume(operation, state.Variables[slot], state, creation: false);
                break;
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when _localSlots.TryGetValue(target.Local, out int slot):
                state.Variables[slot] = Evaluate(assignment.Value, state);
                if (_reporting)
                    _localWrites[slot] = _localWrites.TryGetValue(slot, out int writes) ? writes + 1 : 1;
                if (_reporting && Unwrap(assignment.Value) is { } value && _sites.TryGetValue(value, out int assigned))
                    _siteLocal[assigned] = slot;
                break;
            case IFlowCaptureOperation capture when _captureSlots.TryGetValue(capture.Id, out int slot):
                state.Variables[slot] = Evaluate(capture.Value, state);
                break;
            case IInvocationOperation or IObjectCreationOperation when _exceptionPaths == ExceptionPaths.Calls && !IsFree(operation):
                Raise(_block, state.Clone(), "may throw at line " + Line(operation.Syntax));
                break;
        }
    }

    private bool IsFree(IOperation operation)
        => operation is IInvocationOperation invocation
            && (invocation.Arguments.Any(argument => _apis.ReleaseOf(invocation, argument) is Release.Free)
                || (invocation.TargetMethod.Name == "Dispose" && invocation.Instance is not null));

    /// <summary>The allocation sites whose block <paramref name="value"/> may be.</summary>
    private ulong Evaluate(IOperation value, FlowState state)
    {
        value = Unwrap(value);
        if (_sites.TryGetValue(value, out int site))
            return 1UL << site;
        return value switch
        {
            ILocalReferenceOperation local when _localSlots.TryGetValue(local.Local, out int slot) => state.Variables[slot],
            IFlowCaptureReferenceOperation reference when _captureSlots.TryGetValue(reference.Id, out int slot) => state.Variables[slot],
            _ => 0,
        };
    }

    private static IOperation Unwrap(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                default:
                    return operation;
            }
        }
    }

    private static bool IsWriteTarget(ILocalReferenceOperation local)
        => local.Parent is ISimpleAssignmentOperation assignment && assignment.Target == local;

    private void Consume(IOperation producer, ulong sites, FlowState state, bool creation, int slot = -1)
    {
        var child = producer;
        var parent = producer.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            child = parent;
            parent = parent.Parent;
        }

        var consumer = Classify(parent, child, creation);
        if (slot >= 0 && _reporting && consumer is not (Consumer.Touch or Consumer.Use))
            _disqualifiedLocals.Add(slot);

        switch (consumer)
        {
            case Consumer.Discard when creation:
                if (_reporting)
                {
                    int site = _sites[producer];
                    if (!_leaks.ContainsKey(site))
                        _leaks.Add(site, (producer.Syntax.GetLocation(), "drops the result at once"));
                }
                state.Set(sites, FlowState.Released);
                break;
            case Consumer.Escape or Consumer.Reallocate:
                state.Set(sites, FlowState.Released);
                break;
            case Consumer.Use when !creation && state.AllFreed(sites):
                ReportMisuse(producer, producer, "is used", state.FreedLine(sites));
                break;
            case Consumer.Free or Consumer.Dispose:
                var call = parent is IArgumentOperation { Parent: { } invocation } ? invocation : parent!;
                if (consumer == Consumer.Free && !creation && state.AllFreed(sites))
                    ReportMisuse(call, producer, "is freed again", state.FreedLine(sites));
                state.Set(sites, FlowState.Freed, Line(call.Syntax));
                break;
        }
    }

    private void ReportMisuse(IOperation at, IOperation value, string what, int freedLine)
    {
        if (!_reporting)
            return;
        int key = at.Syntax.SpanStart;
        if (!_misuses.ContainsKey(key))
            _misuses.Add(key, Diagnostic.Create(Descriptors.NativeUseAfterFree, at.Syntax.GetLocation(), value.Syntax.ToString(), what, freedLine));
    }

    private Consumer Classify(IOperation? parent, IOperation child, bool creation)
    {
        switch (parent)
        {
            case IExpressionStatementOperation:
                return Consumer.Discard;
            case null:
                return _rootRole switch
                {
                    Role.Statement => Consumer.Discard,
                    Role.Returned => Consumer.Escape,
                    _ => Consumer.Touch,
                };
            case ISimpleAssignmentOperation assignment when assignment.Value == child:
                return assignment.Target switch
                {
                    ILocalReferenceOperation target when _localSlots.ContainsKey(target.Local) => Consumer.AssignVariable,
                    IDiscardOperation => Consumer.Discard,
                    _ => Consumer.Escape,
                };
            case IFlowCaptureOperation capture:
                return _captureSlots.ContainsKey(capture.Id) ? Consumer.AssignVariable : Consumer.Escape;
            case IArgumentOperation argument:
                return ClassifyArgument(argument);
            case IInvocationOperation invocation when invocation.Instance == child:
                return invocation.TargetMethod is { Name: "Dispose", Parameters.IsEmpty: true } ? Consumer.Dispose : Consumer.Use;
            case IPropertyReferenceOperation property when property.Instance == child:
                return property.Property.Name is "IsNull" or "Address" or "IsDisposed" ? Consumer.Touch : Consumer.Use;
            case IMemberReferenceOperation member when member.Instance == child:
                return Consumer.Use;
            case IBinaryOperation binary:
                return binary.OperatorKind is BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals
                    or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual
                    or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual
                    ? Consumer.Touch : Consumer.Use;
            case IUnaryOperation or IIsNullOperation or IIsPatternOperation or IIsTypeOperation or IInterpolationOperation:
                return Consumer.Touch;
            case { Kind: OperationKind.None }:
                // Pointer indirection and pointer element access have no operation interface of their own.
                return Consumer.Use;
            default:
                return Consumer.Escape;
        }
    }

    private Consumer ClassifyArgument(IArgumentOperation argument)
    {
        if (argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out)
            return Consumer.Escape;
        switch (argument.Parent)
        {
            case IInvocationOperation invocation:
                // The tracking bookkeeping is asked about addresses, freed ones included, without touching them.
                if (invocation.TargetMethod.ContainingNamespace is { Name: "Tracking", ContainingNamespace.Name: "Memory" })
                    return Consumer.Touch;
                switch (_apis.ReleaseOf(invocation, argument))
                {
                    case Release.Free:
                        return Consumer.Free;
                    case Release.Reallocate:
                        return Consumer.Reallocate;
                    case Release.Ownership:
                        return Consumer.Escape;
                }
                if (invocation.Instance is { } receiver && _apis.IsCollection(receiver.Type))
                    return Consumer.Escape;
                // A parameter of a type parameter (Assert.Equal<T>(T expected, T actual)) cannot free what it is given,
                // only look at it or keep it: which one cannot be told from here, so the block is taken as handed on.
                if (argument.Parameter?.OriginalDefinition.Type is ITypeParameterSymbol)
                    return Consumer.Escape;
                // A call that returns a value of the block's own type may hand the block back (a check or a
                // wrapper): its result is followed no further, so the block is taken as handed on.
                return SymbolEqualityComparer.Default.Equals(invocation.Type, Unwrap(argument.Value).Type) ? Consumer.Escape : Consumer.Use;
            case IObjectCreationOperation creation:
                // A span over the block borrows it; any other object built from it is taken to own it.
                return creation.Type?.IsRefLikeType == true ? Consumer.Use : Consumer.Escape;
            default:
                return Consumer.Use;
        }
    }

    // ---- branches that tell a block is null ----

    private FlowState Narrow(FlowState state, IOperation condition, bool value)
    {
        if (!TryNullTest(condition, state, out ulong sites, out bool nullWhenTrue) || value != nullWhenTrue || sites == 0)
            return state;
        var narrowed = state.Clone();
        narrowed.Set(sites, FlowState.Released);
        return narrowed;
    }

    private bool TryNullTest(IOperation condition, FlowState state, out ulong sites, out bool nullWhenTrue)
    {
        sites = 0;
        nullWhenTrue = false;
        condition = Unwrap(condition);
        switch (condition)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                if (!TryNullTest(not.Operand, state, out sites, out nullWhenTrue))
                    return false;
                nullWhenTrue = !nullWhenTrue;
                return true;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                nullWhenTrue = binary.OperatorKind == BinaryOperatorKind.Equals;
                sites = IsNull(binary.RightOperand) ? Evaluate(binary.LeftOperand, state)
                    : IsNull(binary.LeftOperand) ? Evaluate(binary.RightOperand, state)
                    : 0;
                return sites != 0;
            case IIsNullOperation isNull:
                nullWhenTrue = true;
                sites = Evaluate(isNull.Operand, state);
                return sites != 0;
            case IIsPatternOperation { Pattern: IConstantPatternOperation constant } pattern when IsNull(constant.Value):
                nullWhenTrue = true;
                sites = Evaluate(pattern.Value, state);
                return sites != 0;
            case IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation constant } } pattern when IsNull(constant.Value):
                nullWhenTrue = false;
                sites = Evaluate(pattern.Value, state);
                return sites != 0;
            case IPropertyReferenceOperation { Property.Name: "IsNull" or "IsDisposed", Instance: { } instance }:
                nullWhenTrue = true;
                sites = Evaluate(instance, state);
                return sites != 0;
            default:
                return false;
        }
    }

    private static bool IsNull(IOperation operation)
    {
        operation = Unwrap(operation);
        if (operation is IDefaultValueOperation)
            return true;
        if (operation is IFieldReferenceOperation { Field: { Name: "Zero", IsStatic: true, ContainingType.SpecialType: SpecialType.System_IntPtr or SpecialType.System_UIntPtr } })
            return true;
        if (operation is IPropertyReferenceOperation { Property: { Name: "Null", IsStatic: true } })
            return true;
        if (!operation.ConstantValue.HasValue)
            return false;
        return operation.ConstantValue.Value switch
        {
            null => true,
            int i => i == 0,
            long l => l == 0,
            uint u => u == 0,
            ulong ul => ul == 0,
            _ => false,
        };
    }
}
