using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Memory.Analyzers.Tests.Verification;

/// <summary>
/// A throw-away C# project in an <see cref="AdhocWorkspace"/>: the test's sources, an optional <c>.editorconfig</c>,
/// the framework's assemblies and <c>Memory.Runtime.dll</c>, plus stand-ins for runtime types not built yet.
/// </summary>
internal static class TestProject
{
    public const string Folder = "/TestProject/";

    // Loaded on first use and shared by every test (MEM0003's own pattern).
    private static MetadataReference[]? s_references;

    private static MetadataReference[] References => LazyInitializer.EnsureInitialized(ref s_references, LoadReferences);

    /// <summary>Creates the project; the first source is the one fixes are checked on.</summary>
    /// <param name="referenceRuntime">False for a project without <c>Memory.Runtime</c> (and without stand-ins).</param>
    public static Project Create(IReadOnlyList<(string Name, string Text)> sources, string? editorConfig = null,
        string assemblyName = "TestProject", bool referenceRuntime = true)
    {
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, assemblyName, assemblyName,
            LanguageNames.CSharp, filePath: Folder + assemblyName + ".csproj",
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true,
                nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: referenceRuntime ? References : References[..^1]));

        var standIns = referenceRuntime ? StandIns.For(typeof(AllocatorBase).Assembly) : [];
        foreach (var (name, text) in sources.Concat(standIns))
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId, name), name, SourceText.From(text), filePath: Folder + name);
        if (editorConfig is not null)
        {
            solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId), ".editorconfig",
                SourceText.From("root = true\n\n[*.cs]\n" + editorConfig + "\n"), filePath: Folder + ".editorconfig");
        }
        return solution.GetProject(projectId)!;
    }

    /// <summary>Names the sources Test0.cs, Test1.cs, ... in order.</summary>
    public static IReadOnlyList<(string Name, string Text)> Named(IEnumerable<string> sources)
        => sources.Select((text, index) => ("Test" + index + ".cs", text)).ToArray();

    /// <summary>The compiler's errors: test sources and fixed sources must compile.</summary>
    public static async Task<ImmutableArray<Diagnostic>> CompilerErrorsAsync(Project project)
    {
        var compilation = await project.GetCompilationAsync() ?? throw new InvalidOperationException("No compilation");
        return [.. compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)];
    }

    private static MetadataReference[] LoadReferences()
    {
        // The running framework's own assemblies (not the test's dependencies), plus the runtime under analysis.
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal));
        return [.. framework.Append(typeof(AllocatorBase).Assembly.Location).Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))];
    }
}
