using System.Collections.Concurrent;
using System.Collections.Immutable;
using Memory.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Memory.Analyzers.Rules;

/// <summary>
/// MEM0004: static initialisation (a static field or auto-property initialiser, or a static constructor) that
/// connects to an event bus: a call of a connect method on a type marked <c>[EventBus]</c>, or <c>+=</c> on an event.
/// </summary>
/// <remarks>
/// A bus is a type marked <c>[EventBus]</c> (or deriving from one, or implementing a marked interface) or a type
/// named by the <c>memory_analyzers.mem0004.bus_types</c> option. Its connect methods are those its attribute
/// names, <c>Connect</c> and <c>BusConnect</c> by default, plus the <c>memory_analyzers.mem0004.connect_methods</c> option.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StaticBusConnectionAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The option naming additional bus types (metadata names, or <c>Namespace.*</c>).</summary>
    public const string BusTypesOption = "bus_types";

    /// <summary>The option naming additional connect methods.</summary>
    public const string ConnectMethodsOption = "connect_methods";

    private static readonly ImmutableHashSet<string> DefaultConnectMethods =
        ImmutableHashSet.Create(StringComparer.Ordinal, "Connect", "BusConnect");

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.StaticBusConnection];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCode.SkippedByCallbacks);
        context.RegisterCompilationStartAction(static start =>
        {
            if (!MemorySymbols.TryCreate(start.Compilation, out var symbols))
                return;
            var options = new RuleOptions(start.Options);

            // The connect methods [EventBus] declares for a type (through its bases and interfaces); null when it is no bus.
            var declaredBuses = new ConcurrentDictionary<ITypeSymbol, ImmutableHashSet<string>?>(SymbolEqualityComparer.Default);
            ImmutableHashSet<string>? DeclaredConnectMethods(ITypeSymbol type)
                => symbols.EventBusAttribute is null ? null : declaredBuses.GetOrAdd(type, t => FindDeclaredBus(t, symbols.EventBusAttribute));

            void Analyze(ISymbol member, IOperation code, Action<Diagnostic> report)
            {
                var tree = code.Syntax.SyntaxTree;
                var extraBuses = options.GetList(tree, Descriptors.StaticBusConnection.Id, BusTypesOption, ImmutableHashSet<string>.Empty);
                var extraMethods = options.GetList(tree, Descriptors.StaticBusConnection.Id, ConnectMethodsOption, ImmutableHashSet<string>.Empty);
                bool Visit(IOperation operation)
                {
                    string? connection = operation switch
                    {
                        IEventAssignmentOperation { Adds: true, EventReference: IEventReferenceOperation reference }
                            => "'+=' on event '" + reference.Event.ContainingType.Name + "." + reference.Event.Name + "'",
                        IInvocationOperation invocation when ConnectsToBus(invocation, extraBuses, extraMethods, DeclaredConnectMethods) is { } bus
                            => "'" + bus.Name + "." + invocation.TargetMethod.Name + "'",
                        _ => null,
                    };
                    if (connection is null)
                        return false;
                    report(Diagnostic.Create(Descriptors.StaticBusConnection, operation.Syntax.GetLocation(), member.Name, connection));
                    return true;
                }

                if (code is IFieldInitializerOperation or IPropertyInitializerOperation || code.Parent is IFieldInitializerOperation or IPropertyInitializerOperation)
                {
                    StaticInitialization.Walk(code, Visit);
                    return;
                }
                // A static constructor connects through calls and '+=': only those nodes are bound.
                foreach (var operation in StaticInitialization.Bound(code, static node => node.Kind() is SyntaxKind.InvocationExpression or SyntaxKind.AddAssignmentExpression))
                    Visit(operation);
            }

            StaticInitialization.RegisterInitializers(start, Analyze);
            StaticInitialization.RegisterStaticConstructors(start, (constructor, body, report) => Analyze(constructor.ContainingType, body, report));
        });
    }

    /// <summary>The bus type an invocation connects to, or null when it is not a connect call.</summary>
    private static ITypeSymbol? ConnectsToBus(IInvocationOperation invocation, ImmutableHashSet<string> extraBuses,
        ImmutableHashSet<string> extraMethods, Func<ITypeSymbol, ImmutableHashSet<string>?> declaredConnectMethods)
    {
        var method = invocation.TargetMethod;
        // The bus can be the method's own type, the handler it is called on, or the extended type.
        ITypeSymbol? receiver = invocation.Instance?.Type
            ?? (method.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value.Type : null);
        foreach (var candidate in new[] { method.ContainingType, receiver })
        {
            if (candidate is null)
                continue;
            if (declaredConnectMethods(candidate) is { } names && (names.Contains(method.Name) || extraMethods.Contains(method.Name)))
                return candidate;
            if (IsConfiguredBus(candidate, extraBuses) && (DefaultConnectMethods.Contains(method.Name) || extraMethods.Contains(method.Name)))
                return candidate;
        }
        return null;
    }

    private static bool IsConfiguredBus(ITypeSymbol type, ImmutableHashSet<string> extraBuses)
    {
        if (extraBuses.IsEmpty)
            return false;
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (RuleOptions.MatchesType(current, extraBuses))
                return true;
        }
        return type.AllInterfaces.Any(i => RuleOptions.MatchesType(i, extraBuses));
    }

    /// <summary>The union of the connect methods of every [EventBus] on the type, its bases and its interfaces.</summary>
    private static ImmutableHashSet<string>? FindDeclaredBus(ITypeSymbol type, INamedTypeSymbol eventBusAttribute)
    {
        ImmutableHashSet<string>? names = null;
        void Add(ITypeSymbol candidate)
        {
            if (MemorySymbols.FindAttribute(candidate, eventBusAttribute) is { } attribute)
                names = names is null ? ConnectMethodsOf(attribute) : names.Union(ConnectMethodsOf(attribute));
        }

        for (var current = type; current is not null; current = current.BaseType)
            Add(current);
        foreach (var implemented in type.AllInterfaces)
            Add(implemented);
        return names;
    }

    private static ImmutableHashSet<string> ConnectMethodsOf(AttributeData attribute)
    {
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "ConnectMethods" && named.Value.Kind == TypedConstantKind.Array && !named.Value.Values.IsEmpty)
                return named.Value.Values.Select(v => v.Value as string).OfType<string>().ToImmutableHashSet(StringComparer.Ordinal);
        }
        return DefaultConnectMethods;
    }
}
