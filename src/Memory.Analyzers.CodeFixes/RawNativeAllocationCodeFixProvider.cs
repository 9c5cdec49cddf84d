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
using Kind = Memory.Analyzers.Rules.NativeAllocationApis.Kind;

namespace Memory.Analyzers.CodeFixes;

/// <summary>
/// MEM0002: a platform allocation call becomes the <c>Az</c> call on <c>SystemAllocator</c> that does the same:
/// <c>NativeMemory.Alloc(n)</c> → <c>(void*)Az.Malloc&lt;SystemAllocator&gt;(n)</c>, <c>Marshal.FreeHGlobal(p)</c> →
/// <c>Az.Free&lt;SystemAllocator&gt;(p)</c>, and so on. Sizes and pointers are converted to <c>nint</c> only where
/// they are not already. Method references (<c>&amp;NativeMemory.Alloc</c>) have no counterpart and are not fixed.
/// </summary>
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
        return Rewrite(editor, diagnostic) is not null;
    }

    /// <inheritdoc/>
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        // Innermost first, so that a call nested in another's argument is rewritten inside the outer rewrite.
        foreach (var diagnostic in diagnostics.OrderByDescending(d => d.Location.SourceSpan.Start))
        {
            if (Rewrite(editor, diagnostic) is var (original, replacement))
                editor.ReplaceNode(original, (node, _) => RewriteInPlace(node, replacement));
        }
        return editor.GetChangedDocument();
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

    private static (SyntaxNode Original, ExpressionSyntax Replacement)? Rewrite(DocumentEditor editor, Diagnostic diagnostic)
    {
        var model = editor.SemanticModel;
        var az = model.Compilation.GetTypeByMetadataName("Memory.Az");
        var system = model.Compilation.GetTypeByMetadataName("Memory.SystemAllocator");
        var invocationSyntax = SyntaxHelpers.FindAt<InvocationExpressionSyntax>(editor.OriginalRoot, diagnostic);
        if (az is null || system is null || invocationSyntax is null || model.GetOperation(invocationSyntax) is not IInvocationOperation invocation)
            return null;
        var method = invocation.TargetMethod;
        var apis = method.ContainingType.Name == "NativeMemory" ? NativeAllocationApis.NativeMemoryMethods : NativeAllocationApis.MarshalMethods;
        if (!apis.TryGetValue(method.Name, out var kind))
            return null;

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
                SyntaxFactory.GenericName(SyntaxFactory.Identifier(NativeAllocationApis.AzMethod(kind)),
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
