using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Memory.Analyzers.Infrastructure;

/// <summary>
/// Reads the rules' <c>.editorconfig</c> options: <c>memory_analyzers.memxxxx.name = a, b, c</c>.
/// Lists are parsed once per distinct text and shared by every tree that uses it.
/// </summary>
internal sealed class RuleOptions
{
    private static readonly char[] Separators = [',', ';', ' ', '\t'];

    private readonly AnalyzerConfigOptionsProvider _provider;
    private readonly ConcurrentDictionary<string, ImmutableHashSet<string>> _parsed = new(StringComparer.Ordinal);

    public RuleOptions(AnalyzerOptions options) => _provider = options.AnalyzerConfigOptionsProvider;

    public static string Key(string ruleId, string name) => "memory_analyzers." + ruleId.ToLowerInvariant() + "." + name;

    /// <summary>
    /// The list set for <paramref name="tree"/> (or globally), or <paramref name="defaultValue"/> when the option
    /// is absent. An empty value clears the list.
    /// </summary>
    public ImmutableHashSet<string> GetList(SyntaxTree tree, string ruleId, string name, ImmutableHashSet<string> defaultValue)
    {
        string key = Key(ruleId, name);
        if (!_provider.GetOptions(tree).TryGetValue(key, out string? text) && !_provider.GlobalOptions.TryGetValue(key, out text))
            return defaultValue;
        return _parsed.GetOrAdd(text ?? string.Empty, static value => value
            .Split(Separators, StringSplitOptions.RemoveEmptyEntries)
            .Select(static item => item.Trim())
            .ToImmutableHashSet(StringComparer.Ordinal));
    }

    /// <summary>
    /// Whether <paramref name="type"/> or one of its containing types is named in <paramref name="patterns"/>:
    /// a full metadata name (<c>Ns.Type</c>, <c>Ns.Outer+Inner</c>) or a namespace wildcard (<c>Ns.*</c>, nested namespaces included).
    /// </summary>
    public static bool MatchesType(INamedTypeSymbol? type, ImmutableHashSet<string> patterns)
    {
        if (patterns.IsEmpty)
            return false;
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (patterns.Contains(MetadataName(current)))
                return true;
        }
        for (var ns = type?.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            if (patterns.Contains(ns.ToDisplayString() + ".*"))
                return true;
        }
        return false;
    }

    public static string MetadataName(INamedTypeSymbol type)
    {
        string name = type.MetadataName;
        if (type.ContainingType is { } outer)
            return MetadataName(outer) + "+" + name;
        return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
    }
}
