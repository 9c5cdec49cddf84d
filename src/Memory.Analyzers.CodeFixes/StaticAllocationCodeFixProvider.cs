using System.Collections.Immutable;
using System.Composition;
using Memory.Analyzers.CodeFixes.Infrastructure;
using Memory.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Memory.Analyzers.CodeFixes;

/// <summary>
/// MEM0003: the allocating static member becomes a property that creates its value on first use, through
/// <c>LazyInitializer.EnsureInitialized</c> over a private static field (thread-safe, no <c>Lazy&lt;T&gt;</c> object):
/// <code>
/// static readonly List&lt;int&gt; Items = new();
/// // becomes
/// private static List&lt;int&gt;? s_items;
/// static List&lt;int&gt; Items => LazyInitializer.EnsureInitialized(ref s_items, static () => new());
/// </code>
/// Reads keep compiling since the name stays. Offered for static fields (one per declaration, without
/// attributes) and auto-properties of reference types initialised in their declaration, and for a static
/// constructor's single assignment of such a field when the value uses no local or parameter and the
/// constructor does not go on to fill or use the value's members (the statement moves into the accessor; an emptied static
/// constructor without comments is removed). Comments go where the code they describe goes, or stay.
/// </summary>
/// <remarks>
/// Not offered for read-only tables (a read-only member whose value is filled by a collection or array
/// initialiser): they are read on hot paths, where a read of a <c>static readonly</c> field is a constant to the
/// JIT and a lazy accessor would add a check to every read for an allocation that happens once.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(StaticAllocationCodeFixProvider)), Shared]
public sealed class StaticAllocationCodeFixProvider : DocumentFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [Descriptors.StaticAllocation.Id];

    /// <inheritdoc/>
    protected override string Title => "Create on first use";

    /// <inheritdoc/>
    protected override async Task<bool> CanFixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return root is not null && model is not null && Plan(root, model, diagnostic) is not null;
    }

    /// <inheritdoc/>
    protected override async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var rewritten = new HashSet<SyntaxNode>();
        var takenNames = new Dictionary<SyntaxNode, HashSet<string>>();
        foreach (var diagnostic in diagnostics)
        {
            // Several allocations in one initializer share one rewrite of the member.
            if (Plan(editor.OriginalRoot, editor.SemanticModel, diagnostic) is { } plan && rewritten.Add(plan.Member))
                Apply(editor, plan, takenNames);
        }
        return editor.GetChangedDocument();
    }

    /// <summary>What to rewrite: the member declaration, its type, the value to create lazily, and what else to remove.</summary>
    private sealed class LazyPlan(
        MemberDeclarationSyntax member, SyntaxToken identifier, TypeSyntax type, SyntaxTokenList modifiers, bool hasSetter,
        ExpressionSyntax value, INamedTypeSymbol containingType, StatementSyntax? movedStatement, ConstructorDeclarationSyntax? constructor)
    {
        public MemberDeclarationSyntax Member => member;
        public SyntaxToken Identifier => identifier;
        public TypeSyntax Type => type;
        public SyntaxTokenList Modifiers => modifiers;
        public bool HasSetter => hasSetter;
        public ExpressionSyntax Value => value;
        public INamedTypeSymbol ContainingType => containingType;
        public StatementSyntax? MovedStatement => movedStatement;
        public ConstructorDeclarationSyntax? Constructor => constructor;
    }

    private static LazyPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
    {
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        diagnostic.Properties.TryGetValue(StaticAllocationAnalyzer.ContextProperty, out string? context);
        return context == StaticAllocationAnalyzer.ConstructorContext
            ? PlanConstructorAssignment(node, model)
            : PlanInitializer(node, model);
    }

    private static LazyPlan? PlanInitializer(SyntaxNode node, SemanticModel model)
    {
        var member = node.AncestorsAndSelf().OfType<MemberDeclarationSyntax>().FirstOrDefault();
        switch (member)
        {
            case FieldDeclarationSyntax { Declaration.Variables: { Count: 1 } variables } field
                when field.AttributeLists.Count == 0 && variables[0].Initializer is { } initializer && initializer.Value.Span.Contains(node.Span)
                     && !(field.Modifiers.Any(SyntaxKind.ReadOnlyKeyword) && IsTable(initializer.Value)):
                return PlanField(field, variables[0], initializer.Value, model, movedStatement: null, constructor: null);
            case PropertyDeclarationSyntax { Initializer: { } initializer, AccessorList: { } accessors } property
                when accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null)
                     && !(accessors.Accessors.All(a => a.IsKind(SyntaxKind.GetAccessorDeclaration)) && IsTable(initializer.Value))
                     && model.GetDeclaredSymbol(property) is { Type.IsReferenceType: true, ContainingType: { } owner }:
                return new LazyPlan(property, property.Identifier, property.Type, property.Modifiers,
                    hasSetter: accessors.Accessors.Any(a => a.IsKind(SyntaxKind.SetAccessorDeclaration)),
                    initializer.Value, owner, null, null);
            default:
                return null;
        }
    }

    /// <summary>A value filled by an initialiser: a collection or array with its elements written out.</summary>
    private static bool IsTable(ExpressionSyntax value) => value switch
    {
        InitializerExpressionSyntax { Expressions.Count: > 0 } => true,
        ArrayCreationExpressionSyntax { Initializer.Expressions.Count: > 0 } => true,
        ImplicitArrayCreationExpressionSyntax { Initializer.Expressions.Count: > 0 } => true,
        BaseObjectCreationExpressionSyntax { Initializer: { Expressions.Count: > 0 } initializer }
            => initializer.IsKind(SyntaxKind.CollectionInitializerExpression),
        CollectionExpressionSyntax { Elements.Count: > 0 } => true,
        _ => false,
    };

    private static LazyPlan? PlanConstructorAssignment(SyntaxNode node, SemanticModel model)
    {
        var statement = node.FirstAncestorOrSelf<ExpressionStatementSyntax>();
        if (statement is not { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment, Parent: BlockSyntax { Parent: ConstructorDeclarationSyntax constructor } }
            || !constructor.Modifiers.Any(SyntaxKind.StaticKeyword)
            || model.GetSymbolInfo(assignment.Left).Symbol is not IFieldSymbol { IsStatic: true } target
            || target.DeclaringSyntaxReferences.Length != 1
            || target.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer: null, Parent.Parent: FieldDeclarationSyntax field } variable
            || field.SyntaxTree != statement.SyntaxTree
            || field.AttributeLists.Count != 0 || field.Declaration.Variables.Count != 1)
            return null;

        // The value must mean the same inside a static accessor: no locals or parameters of the constructor.
        if (model.GetOperation(assignment.Right) is not { } value
            || value.DescendantsAndSelf().Any(o => o is ILocalReferenceOperation or IParameterReferenceOperation))
            return null;
        // And this must be the only place the constructor writes the field, and the constructor must not go on to fill
        // or use the value's members (Field.X = ..., Field[i] = ...): that creates it at type initialisation anyway.
        int writes = 0, memberUses = 0;
        foreach (var name in constructor.Body!.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (name.Identifier.ValueText != variable.Identifier.ValueText || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name).Symbol, target))
                continue;
            if (name.Parent is AssignmentExpressionSyntax written && written.Left == name)
                writes++;
            else if (name.Parent is MemberAccessExpressionSyntax access && access.Expression == name || name.Parent is ElementAccessExpressionSyntax element && element.Expression == name)
                memberUses++;
        }
        return writes == 1 && memberUses == 0 ? PlanField(field, variable, assignment.Right, model, statement, constructor) : null;
    }

    private static LazyPlan? PlanField(FieldDeclarationSyntax field, VariableDeclaratorSyntax variable, ExpressionSyntax value,
        SemanticModel model, StatementSyntax? movedStatement, ConstructorDeclarationSyntax? constructor)
    {
        if (model.GetDeclaredSymbol(variable) is not IFieldSymbol { IsStatic: true, IsConst: false, Type.IsReferenceType: true } symbol)
            return null;
        // An array initializer ({ 1, 2 }) only exists in declarations; the accessor needs a full array creation.
        if (value is InitializerExpressionSyntax arrayInitializer && field.Declaration.Type is ArrayTypeSyntax arrayType)
            value = ArrayCreationExpression(arrayType.WithoutTrivia(), arrayInitializer.WithoutTrivia());
        return new LazyPlan(field, variable.Identifier, field.Declaration.Type, field.Modifiers,
            hasSetter: !symbol.IsReadOnly, value, symbol.ContainingType, movedStatement, constructor);
    }

    private static void Apply(DocumentEditor editor, LazyPlan plan, Dictionary<SyntaxNode, HashSet<string>> takenNames)
    {
        var owner = plan.Member.Parent!;
        if (!takenNames.TryGetValue(owner, out var taken))
            takenNames[owner] = taken = [.. plan.ContainingType.MemberNames];
        string backingName = BackingFieldName(plan.Identifier.ValueText, taken);
        var type = plan.Type.WithoutTrivia();
        bool annotations = editor.SemanticModel.GetNullableContext(plan.Member.SpanStart).AnnotationsEnabled();
        bool staticLambdas = ((CSharpParseOptions)editor.OriginalRoot.SyntaxTree.Options).LanguageVersion >= LanguageVersion.CSharp9;

        // private static T? s_name;
        var backing = FieldDeclaration(VariableDeclaration(
                annotations && type is not NullableTypeSyntax ? NullableType(type) : type,
                SingletonSeparatedList(VariableDeclarator(backingName))))
            .WithModifiers(TokenList(Token(SyntaxKind.PrivateKeyword), Token(SyntaxKind.StaticKeyword)));

        // LazyInitializer.EnsureInitialized(ref s_name, static () => value)
        var lambda = ParenthesizedLambdaExpression(plan.Value.WithoutTrivia());
        if (staticLambdas)
            lambda = lambda.WithModifiers(TokenList(Token(SyntaxKind.StaticKeyword)));
        var lazyInitializer = editor.SemanticModel.Compilation.GetTypeByMetadataName("System.Threading.LazyInitializer")!;
        var create = InvocationExpression(
            MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                SyntaxHelpers.TypeReference(editor.Generator, lazyInitializer), IdentifierName("EnsureInitialized")),
            ArgumentList(SeparatedList(new[]
            {
                Argument(IdentifierName(backingName)).WithRefKindKeyword(Token(SyntaxKind.RefKeyword)),
                Argument(lambda),
            })));

        var modifiers = TokenList(plan.Modifiers.Where(m => !m.IsKind(SyntaxKind.ReadOnlyKeyword)));
        var property = PropertyDeclaration(type, plan.Identifier.WithoutTrivia()).WithModifiers(modifiers);
        property = plan.HasSetter
            ? property.WithAccessorList(AccessorList(List(new[]
            {
                AccessorDeclaration(SyntaxKind.GetAccessorDeclaration).WithExpressionBody(ArrowExpressionClause(create)).WithSemicolonToken(Token(SyntaxKind.SemicolonToken)),
                AccessorDeclaration(SyntaxKind.SetAccessorDeclaration)
                    .WithExpressionBody(ArrowExpressionClause(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, IdentifierName(backingName), IdentifierName("value"))))
                    .WithSemicolonToken(Token(SyntaxKind.SemicolonToken)),
            })))
            : property.WithExpressionBody(ArrowExpressionClause(create)).WithSemicolonToken(Token(SyntaxKind.SemicolonToken));
        // The pair takes the member's place line for line: blank lines above go above the field, a doc comment stays on the property.
        var (fieldTrivia, propertyTrivia) = SplitLeadingTrivia(plan.Member);
        var endOfLine = plan.Member.GetTrailingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        backing = backing.WithLeadingTrivia(fieldTrivia)
            .WithTrailingTrivia(endOfLine.IsKind(SyntaxKind.EndOfLineTrivia) ? endOfLine : CarriageReturnLineFeed)
            .WithAdditionalAnnotations(Formatter.Annotation);
        property = property.WithLeadingTrivia(propertyTrivia).WithTrailingTrivia(plan.Member.GetTrailingTrivia())
            .WithAdditionalAnnotations(Formatter.Annotation);

        editor.InsertBefore(plan.Member, backing);
        editor.ReplaceNode(plan.Member, property);
        if (plan.MovedStatement is not null)
        {
            // Comments in the constructor stay in it: the statement leaves its leading trivia to what follows it.
            var body = plan.Constructor!.Body!;
            bool comments = body.DescendantTrivia().Any(IsComment) || plan.Constructor.GetLeadingTrivia().Any(IsComment);
            if (body.Statements.Count == 1 && !comments)
                editor.RemoveNode(plan.Constructor);
            else if (!plan.MovedStatement.GetLeadingTrivia().Any(IsComment))
                editor.RemoveNode(plan.MovedStatement);
            else
            {
                // The comment lines go on the next line; the statement's own indentation goes with the statement.
                var leading = plan.MovedStatement.GetLeadingTrivia();
                if (leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia))
                    leading = leading.RemoveAt(leading.Count - 1);
                editor.ReplaceNode(plan.MovedStatement, (statement, _) => statement.WithLeadingTrivia(leading));
                editor.RemoveNode(plan.MovedStatement, SyntaxRemoveOptions.KeepLeadingTrivia | SyntaxRemoveOptions.KeepDirectives);
            }
        }
    }

    private static bool IsComment(SyntaxTrivia trivia)
        => trivia.Kind() is SyntaxKind.SingleLineCommentTrivia or SyntaxKind.MultiLineCommentTrivia
            or SyntaxKind.SingleLineDocumentationCommentTrivia or SyntaxKind.MultiLineDocumentationCommentTrivia;

    private static (SyntaxTriviaList Field, SyntaxTriviaList Property) SplitLeadingTrivia(SyntaxNode member)
    {
        var leading = member.GetLeadingTrivia();
        var indentation = leading.LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia));
        var indent = indentation.IsKind(SyntaxKind.WhitespaceTrivia) ? TriviaList(indentation) : TriviaList();
        int documentation = leading.IndexOf(SyntaxKind.SingleLineDocumentationCommentTrivia);
        if (documentation < 0)
            documentation = leading.IndexOf(SyntaxKind.MultiLineDocumentationCommentTrivia);
        return documentation < 0
            ? (leading, indent)
            : (TriviaList(leading.Take(documentation)), indent.AddRange(leading.Skip(documentation)));
    }

    /// <summary><c>s_camelCase</c> of the member's name, made unique among the type's members.</summary>
    private static string BackingFieldName(string name, HashSet<string> taken)
    {
        string stem = name.StartsWith("s_", StringComparison.Ordinal) ? name.Substring(2) : name.TrimStart('_');
        stem = stem.Length == 0 ? "value" : char.ToLowerInvariant(stem[0]) + stem.Substring(1);
        string candidate = "s_" + stem;
        if (candidate == name)
            candidate += "Value";
        for (int suffix = 2; taken.Contains(candidate); suffix++)
            candidate = "s_" + stem + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
        taken.Add(candidate);
        return candidate;
    }
}
