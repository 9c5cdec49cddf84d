using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Memory.Generators.Tests.Harness;

/// <summary>
/// <see cref="MemoryGenerator"/> through the official source generator test framework: the reference assemblies
/// of a target framework with the runtime's build for it, nullable on, at a chosen C# version.
/// </summary>
internal sealed class GeneratorTest : CSharpSourceGeneratorTest<MemoryGenerator, DefaultVerifier>
{
    // The SDK's runtime pack version served here; the framework's Net90/Net100 presets name versions that are not.
    private static readonly ReferenceAssemblies Net10 = new(
        "net10.0", new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.12"), Path.Combine("ref", "net10.0"));

    private readonly LanguageVersion _version;
    private readonly bool _allowUnsafe;
    private readonly DocumentationMode _documentation;

    public GeneratorTest(IEnumerable<string> sources, LanguageVersion version, bool allowUnsafe, string framework = "net10.0",
        DocumentationMode documentation = DocumentationMode.Parse)
    {
        _version = version;
        _allowUnsafe = allowUnsafe;
        _documentation = documentation;
        foreach (string source in sources)
            TestState.Sources.Add(source);
        if (framework == "net8.0")
        {
            // The runtime built for net8.0: its net10.0 build against net8.0 references is CS1705, and the
            // generator would then see no attribute types and emit nothing.
            ReferenceAssemblies = ReferenceAssemblies.Net.Net80;
            TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(RuntimeBuild("net8.0")));
        }
        else
        {
            ReferenceAssemblies = Net10;
            TestState.AdditionalReferences.Add(typeof(AllocatorBase).Assembly);
        }
    }

    protected override ParseOptions CreateParseOptions()
        => ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(_version).WithDocumentationMode(_documentation);

    protected override CompilationOptions CreateCompilationOptions()
        => ((CSharpCompilationOptions)base.CreateCompilationOptions())
            .WithNullableContextOptions(NullableContextOptions.Enable)
            .WithAllowUnsafe(_allowUnsafe);

    private static string RuntimeBuild(string framework)
    {
        string configuration = typeof(GeneratorTest).Assembly.Location.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        string path = Path.Combine(RepositoryRoot(), "src", "Memory.Runtime", "bin", configuration, framework, "Memory.Runtime.dll");
        Assert.True(File.Exists(path), $"The runtime's {framework} build is missing: {path}");
        return path;
    }

    private static string RepositoryRoot([CallerFilePath] string thisFile = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));
}
