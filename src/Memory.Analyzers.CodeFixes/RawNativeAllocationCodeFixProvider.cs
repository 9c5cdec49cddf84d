using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using Memory.Analyzers.CodeFixes.Infrastructure;
using Memory.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;
using Family = Memory.Analyzers.Rules.NativeAllocationApis.Family;
using Kind = Memory.Analyzers.Rules.NativeAllocationApis.Kind;

namespace Memory.Analyzers.CodeFixes;

/// <summary>
/// MEM0002: platform allocation calls become the <c>Az</c> calls on <c>SystemAllocator</c> that do the same and fail
/// the same way: <c>NativeMemory.Alloc(n)</c> → <c>(void*)Az.MallocOrThrow&lt;SystemAllocator&gt;(n)</c>,
/// <c>Marshal.FreeHGlobal(p)</c> → <c>Az.Free&lt;SystemAllocator&gt;(p)</c>, and so on. Sizes and pointers are
/// converted to <c>nint</c> only where they are not already.
/// </summary>
/// <remarks>
/// A block must be freed by the allocator it came from, so calls are fixed a block at a time (<see cref="BlockCalls"/>):
/// a free or resize only together with the allocation of the same block, an allocation only together with every
/// free and resize of it. The fix is offered when that set is known for certain: the block lives in a local of one
/// method, every value the local takes is a platform allocation of one family that the fix rewrites, and the local
/// is otherwise only dereferenced, indexed or compared (never passed on, stored, returned or captured). A
/// <c>Marshal.FreeHGlobal</c> of a string from <c>Marshal.StringToHGlobalAnsi</c> is therefore never rewritten.
/// Method references (<c>&amp;NativeMemory.Alloc</c>) and string copies have no counterpart and are not fixed.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RawNativeAllocationCodeFixProvider)), Shared]
public sealed class RawNativeAllocationCodeFixProvider : DocumentFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [Descriptors.RawNativeAllocation.Id];

    /// <inheritdoc/>
    protected override string Title => "Allocate through SystemAllocator";

    /// <inheritdoc/>
    protected override async Task<bool> CanFixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        return Calls(editor, diagnostic) is not null;
    }

    /// <inheritdoc/>
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var calls = new HashSet<InvocationExpressionSyntax>();
        foreach (var diagnostic in diagnostics)
        {
            if (Calls(editor, diagnostic) is { } block)
                calls.UnionWith(block);
        }
        // Innermost first, so that a call nested in another's argument is rewritten inside the outer rewrite.
        foreach (var call in calls.OrderByDescending(c => c.SpanStart))
        {
            if (Rewrite(editor, call) is var (original, replacement))
                editor.ReplaceNode(original, (node, _) => RewriteInPlace(node, replacement));
        }
        return editor.GetChangedDocument();
    }

    /// <summary>The calls to rewrite together for <paramref name="diagnostic"/>, or null when the fix is not offered.</summary>
    private static IReadOnlyCollection<InvocationExpressionSyntax>? Calls(DocumentEditor editor, Diagnostic diagnostic)
    {
        var syntax = SyntaxHelpers.FindAt<InvocationExpressionSyntax>(editor.OriginalRoot, diagnostic);
        if (syntax is null || syntax.Span != diagnostic.Location.SourceSpan
            || editor.SemanticModel.GetOperation(syntax) is not IInvocationOperation call)
            return null;
        var block = BlockCalls(call);
        return block is not null && block.All(c => Rewrite(editor, c) is not null) ? block : null;
    }

    /// <summary>What a call is, when it is one MEM0002 reports.</summary>
    private static (Kind Kind, Family Family)? Api(IOperation? operation)
    {
        if (operation is not IInvocationOperation { TargetMethod: var method })
            return null;
        var apis = method.ContainingType.ToDisplayString() switch
        {
            NativeAllocationApis.NativeMemoryType => NativeAllocationApis.NativeMemoryMethods,
            NativeAllocationApis.MarshalType => NativeAllocationApis.MarshalMethods,
            _ => null,
        };
        return apis is not null && apis.TryGetValue(method.Name, out var api) ? api : null;
    }

    /// <summary>
    /// Every platform call on the block <paramref name="call"/> works on, when they are all known and can all be
    /// rewritten; null otherwise.
    /// </summary>
    private static HashSet<InvocationExpressionSyntax>? BlockCalls(IInvocationOperation call)
    {
        if (Api(call) is not var (kind, family) || kind == Kind.StringCopy)
            return null;
        if (kind is Kind.Malloc or Kind.Calloc)
        {
            var use = OutermostConversion(call);
            switch (use.Parent)
            {
                case IExpressionStatementOperation:
                    return [(InvocationExpressionSyntax)call.Syntax];
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return LocalBlockCalls(call, declarator.Symbol, family);
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when assignment.Value == use:
                    return LocalBlockCalls(call, target.Local, family);
                case IArgumentOperation { Parent: IInvocationOperation outer } when Api(outer) == (Kind.Free, family):
                    return [(InvocationExpressionSyntax)call.Syntax, (InvocationExpressionSyntax)outer.Syntax];
                default:
                    return null;
            }
        }
        var pointer = PointerArgument(call);
        if (pointer is ILocalReferenceOperation local)
            return LocalBlockCalls(call, local.Local, family);
        if (kind == Kind.Free && pointer is IInvocationOperation inner && Api(inner) is (Kind.Malloc or Kind.Calloc, var innerFamily) && innerFamily == family)
            return [(InvocationExpressionSyntax)inner.Syntax, (InvocationExpressionSyntax)call.Syntax];
        return null;
    }

    /// <summary>
    /// The platform calls on the block held by <paramref name="local"/>, when the local never lets the block go
    /// anywhere the fix cannot see; null otherwise.
    /// </summary>
    private static HashSet<InvocationExpressionSyntax>? LocalBlockCalls(IOperation anyUse, ILocalSymbol local, Family family)
    {
        var root = anyUse;
        while (root.Parent is not null)
            root = root.Parent;
        var calls = new HashSet<InvocationExpressionSyntax>();
        foreach (var operation in root.Descendants())
        {
            if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
            {
                if (declarator.Initializer is { } initializer && !AddAllocation(calls, initializer.Value, family))
                    return null;
                continue;
            }
            if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                continue;
            if (InsideFunction(reference, root))
                return null;
            var use = OutermostConversion(reference);
            switch (use.Parent)
            {
                case ISimpleAssignmentOperation assignment when assignment.Target == reference:
                    if (!AddAllocation(calls, assignment.Value, family))
                        return null;
                    break;
                case IArgumentOperation { Parent: IInvocationOperation consumer } argument when argument.Parameter?.Ordinal == 0 && Api(consumer) is var (kind, consumerFamily):
                    if (consumerFamily != family || kind is not (Kind.Free or Kind.Realloc))
                        return null;
                    if (kind == Kind.Realloc && !AssignedBackTo(consumer, local))
                        return null;
                    calls.Add((InvocationExpressionSyntax)consumer.Syntax);
                    break;
                default:
                    if (!IsPlainRead(reference.Syntax))
                        return null;
                    break;
            }
        }
        return calls.Count > 0 ? calls : null;
    }

    /// <summary>Adds the allocation <paramref name="value"/> is, or says it is none the fix rewrites.</summary>
    private static bool AddAllocation(HashSet<InvocationExpressionSyntax> calls, IOperation value, Family family)
    {
        while (value is IConversionOperation conversion)
            value = conversion.Operand;
        if (Api(value) is not (Kind.Malloc or Kind.Calloc or Kind.Realloc, var valueFamily) || valueFamily != family)
            return false;
        calls.Add((InvocationExpressionSyntax)value.Syntax);
        return true;
    }

    private static bool AssignedBackTo(IOperation call, ILocalSymbol local)
        => OutermostConversion(call).Parent is ISimpleAssignmentOperation { Target: ILocalReferenceOperation target }
           && SymbolEqualityComparer.Default.Equals(target.Local, local);

    private static IOperation? PointerArgument(IInvocationOperation call)
    {
        var value = call.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
        while (value is IConversionOperation conversion)
            value = conversion.Operand;
        return value;
    }

    private static IOperation OutermostConversion(IOperation operation)
    {
        while (operation.Parent is IConversionOperation conversion)
            operation = conversion;
        return operation;
    }

    private static bool InsideFunction(IOperation operation, IOperation root)
    {
        for (var current = operation.Parent; current is not null && current != root; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                return true;
        }
        return false;
    }

    /// <summary>A read that uses the block in place: <c>*p</c>, <c>p[i]</c>, <c>p-&gt;x</c>, a comparison.</summary>
    private static bool IsPlainRead(SyntaxNode reference)
    {
        var node = reference;
        while (node.Parent is CastExpressionSyntax or ParenthesizedExpressionSyntax)
            node = node.Parent;
        return node.Parent switch
        {
            PrefixUnaryExpressionSyntax unary => unary.IsKind(SyntaxKind.PointerIndirectionExpression),
            ElementAccessExpressionSyntax access => access.Expression == node,
            MemberAccessExpressionSyntax access => access.IsKind(SyntaxKind.PointerMemberAccessExpression) && access.Expression == node,
            BinaryExpressionSyntax binary => binary.Kind() is SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression,
            _ => false,
        };
    }

    /// <summary>
    /// The replacement, built from the original call, with each argument taken from the current call instead: a
    /// call nested in an argument may have been rewritten already (Fix All works innermost first).
    /// </summary>
    private static SyntaxNode RewriteInPlace(SyntaxNode current, ExpressionSyntax replacement)
    {
        if (CallOf(current) is not { } currentCall)
            return replacement.WithTriviaFrom(current);
        var updated = replacement.ReplaceNodes(
            replacement.DescendantNodes().OfType<ExpressionSyntax>().Where(e => e.HasAnnotations(ArgumentMarkerKind)),
            (node, _) =>
            {
                int index = int.Parse(node.GetAnnotations(ArgumentMarkerKind).First().Data!, CultureInfo.InvariantCulture);
                return index < currentCall.ArgumentList.Arguments.Count ? currentCall.ArgumentList.Arguments[index].Expression.WithoutTrivia() : node;
            });
        return updated.WithTriviaFrom(current);
    }

    /// <summary>The call itself, or the call under the <c>(nint)</c> cast that the fix replaces along with it.</summary>
    private static InvocationExpressionSyntax? CallOf(SyntaxNode node)
        => node as InvocationExpressionSyntax ?? (node as CastExpressionSyntax)?.Expression as InvocationExpressionSyntax;

    // Marks, on each argument copied into the replacement, its index in the original call.
    private const string ArgumentMarkerKind = "Memory.ArgumentIndex";

    private static (SyntaxNode Original, ExpressionSyntax Replacement)? Rewrite(DocumentEditor editor, InvocationExpressionSyntax invocationSyntax)
    {
        var model = editor.SemanticModel;
        var az = model.Compilation.GetTypeByMetadataName("Memory.Az");
        var system = model.Compilation.GetTypeByMetadataName("Memory.SystemAllocator");
        if (az is null || system is null || model.GetOperation(invocationSyntax) is not IInvocationOperation invocation
            || Api(invocation) is not var (kind, _) || NativeAllocationApis.AzMethod(kind) is not { } azMethod
            || az.GetMembers(azMethod).IsEmpty)
            return null;
        var method = invocation.TargetMethod;

        var nint = model.Compilation.GetSpecialType(SpecialType.System_IntPtr);
        var values = new ExpressionSyntax[method.Parameters.Length];
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is null || argument.ArgumentKind != ArgumentKind.Explicit)
                return null;
            values[argument.Parameter.Ordinal] = AsNint(argument, nint, model.Compilation);
        }

        ExpressionSyntax[] azArguments = (kind, values.Length) switch
        {
            (Kind.Malloc, 2) when method.Name == "Alloc" => [Checked(Multiply(values[0], values[1]))], // count x size
            (Kind.Calloc, 1) => [Literal(1), values[0]],
            _ => values,
        };

        var generator = editor.Generator;
        ExpressionSyntax call = SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                SyntaxHelpers.TypeReference(generator, az),
                SyntaxFactory.GenericName(SyntaxFactory.Identifier(azMethod),
                    SyntaxFactory.TypeArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxHelpers.TypeReference(generator, system))))),
            SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(azArguments.Select(SyntaxFactory.Argument))));

        // NativeMemory hands out void*; Az hands out nint. A (nint) cast of the result goes with the call; otherwise the
        // result is converted back unless the caller discards or casts it anyway.
        if (method.ReturnType is IPointerTypeSymbol pointer)
        {
            if (invocationSyntax.Parent is CastExpressionSyntax cast && model.GetTypeInfo(cast.Type).Type?.SpecialType == SpecialType.System_IntPtr)
                return (cast, call.WithTriviaFrom(cast));
            if (invocationSyntax.Parent is not (ExpressionStatementSyntax or CastExpressionSyntax))
                call = SyntaxFactory.CastExpression(SyntaxHelpers.TypeReference(generator, pointer), SyntaxHelpers.Parenthesize(call));
        }
        return (invocationSyntax, call.WithTriviaFrom(invocationSyntax));
    }

    /// <summary>The argument as an <c>nint</c>: as written when it converts implicitly, cast otherwise.</summary>
    private static ExpressionSyntax AsNint(IArgumentOperation argument, ITypeSymbol nint, Compilation compilation)
    {
        var value = argument.Value is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : argument.Value;
        int index = argument.Syntax is ArgumentSyntax { Parent: ArgumentListSyntax list } syntaxArgument ? list.Arguments.IndexOf(syntaxArgument) : 0;
        var syntax = ((ExpressionSyntax)value.Syntax).WithoutTrivia()
            .WithAdditionalAnnotations(new SyntaxAnnotation(ArgumentMarkerKind, index.ToString(CultureInfo.InvariantCulture)));
        if (value.Type is not null && compilation.ClassifyConversion(value.Type, nint).IsImplicit)
            return syntax;
        return SyntaxFactory.CastExpression(SyntaxFactory.IdentifierName("nint"), SyntaxHelpers.Parenthesize(syntax));
    }

    private static ExpressionSyntax Multiply(ExpressionSyntax left, ExpressionSyntax right)
        => SyntaxFactory.BinaryExpression(SyntaxKind.MultiplyExpression, SyntaxHelpers.Parenthesize(left), SyntaxHelpers.Parenthesize(right));

    private static ExpressionSyntax Checked(ExpressionSyntax expression)
        => SyntaxFactory.CheckedExpression(SyntaxKind.CheckedExpression, expression);

    private static ExpressionSyntax Literal(int value)
        => SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(value));
}
