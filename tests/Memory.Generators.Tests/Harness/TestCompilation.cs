using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Generators.Tests.Harness;

/// <summary>
/// Compilations built from source against the running framework (its trusted platform assemblies) and
/// Memory.Runtime, as a user project would compile.
/// </summary>
internal static class TestCompilation
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    public static CSharpParseOptions ParseOptions(LanguageVersion version) => new(version);

    /// <summary>
    /// A library compilation: nullable on, documentation diagnostics on (a public member without docs warns),
    /// every warning an error, unsafe code only when asked for.
    /// </summary>
    public static CSharpCompilation Create(IEnumerable<string> sources, LanguageVersion version = LanguageVersion.Latest, bool allowUnsafe = false)
    {
        var options = new CSharpParseOptions(version, DocumentationMode.Diagnose);
        var trees = sources.Select((source, index) => CSharpSyntaxTree.ParseText(source, options, path: $"/src/File{index}.cs"));
        return CSharpCompilation.Create(
            "UserAssembly",
            trees,
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: allowUnsafe,
                generalDiagnosticOption: ReportDiagnostic.Error,
                warningLevel: 9999));
    }

    /// <summary>The problems of a compilation: warnings (made errors) and errors, not hidden or info diagnostics.</summary>
    public static IReadOnlyList<Diagnostic> Problems(Compilation compilation)
        => compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The framework's own assemblies (they sit beside System.Private.CoreLib) plus the runtime under test.
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal))
            .Append(typeof(AllocatorBase).Assembly.Location);
        return paths.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToImmutableArray();
    }
}
