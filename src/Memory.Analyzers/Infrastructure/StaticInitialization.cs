using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Memory.Analyzers.Infrastructure;

/// <summary>
/// Finds the code that runs when a type is initialised: static field and auto-property initialisers, and
/// static constructor bodies. Lambda and local function bodies inside them run later and are not part of it.
/// </summary>
internal static class StaticInitialization
{
    /// <summary>Code found: the member it initialises (or the static constructor) and the operation that runs.</summary>
    public delegate void Visitor(ISymbol member, IOperation code, Action<Diagnostic> report);

    /// <summary>Calls <paramref name="onInitializer"/> for the value of every static field or auto-property initialiser.</summary>
    public static void RegisterInitializers(CompilationStartAnalysisContext start, Visitor onInitializer)
    {
        start.RegisterOperationAction(context =>
        {
            var (member, value) = context.Operation switch
            {
                IFieldInitializerOperation field => (field.InitializedFields.FirstOrDefault() as ISymbol, field.Value),
                IPropertyInitializerOperation property => (property.InitializedProperties.FirstOrDefault(), property.Value),
                _ => (null, null),
            };
            if (member is null || value is null || !member.IsStatic || member is IFieldSymbol { IsConst: true } || context.IsGeneratedCode)
                return;
            onInitializer(member, value, context.ReportDiagnostic);
        }, OperationKind.FieldInitializer, OperationKind.PropertyInitializer);
    }

    /// <summary>Calls <paramref name="onBody"/> for the body of every static constructor.</summary>
    public static void RegisterStaticConstructors(CompilationStartAnalysisContext start, Visitor onBody)
    {
        start.RegisterOperationBlockAction(context =>
        {
            if (context.OwningSymbol is not IMethodSymbol { MethodKind: MethodKind.StaticConstructor } constructor || context.IsGeneratedCode)
                return;
            foreach (var block in context.OperationBlocks)
                onBody(constructor, block, context.ReportDiagnostic);
        });
    }

    /// <summary>
    /// Visits <paramref name="root"/> and its descendants that run with it; a visitor returning true stops the
    /// descent below that operation. Lambda and local function bodies are offered but never entered.
    /// </summary>
    public static void Walk(IOperation root, Func<IOperation, bool> visit)
    {
        var pending = new Stack<IOperation>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var operation = pending.Pop();
            if (visit(operation) || operation is IAnonymousFunctionOperation or ILocalFunctionOperation)
                continue;
            foreach (var child in operation.ChildOperations)
                pending.Push(child);
        }
    }

    /// <summary>
    /// The assignments (<c>=</c> and <c>??=</c>) that run with <paramref name="body"/>, outside lambdas and local
    /// functions.
    /// </summary>
    public static IEnumerable<IOperation> Assignments(IOperation body)
        => Bound(body, static node => node.Kind() is SyntaxKind.SimpleAssignmentExpression or SyntaxKind.CoalesceAssignmentExpression);

    /// <summary>
    /// The operations of the nodes of <paramref name="body"/> that <paramref name="wanted"/> picks, outside lambdas
    /// and local functions. Found in the syntax, so that only those nodes are bound into operations: the rest of a
    /// large static constructor (a table filled statement by statement) is never turned into operation trees.
    /// </summary>
    public static IEnumerable<IOperation> Bound(IOperation body, Func<SyntaxNode, bool> wanted)
    {
        if (body.SemanticModel is not { } model)
            yield break;
        var nodes = body.Syntax.DescendantNodes(static node => node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax));
        foreach (var node in nodes)
        {
            if (wanted(node) && model.GetOperation(node) is { } operation)
                yield return operation;
        }
    }

    /// <summary>The static field or property an assignment writes, or null for anything else.</summary>
    public static ISymbol? StaticTarget(IOperation target) => target switch
    {
        IFieldReferenceOperation { Field.IsStatic: true } field => field.Field,
        IPropertyReferenceOperation { Property.IsStatic: true } property => property.Property,
        _ => null,
    };
}
