using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace Memory.Generators.Tests.Identity;

/// <summary>
/// What the generator emits for generic <c>[TypeId]</c> shapes, on the official source generator testing package:
/// every generated file compared with its golden file under <c>Snapshots/</c> (<c>TypeIdentity.*</c> from C# 11,
/// <c>TypeIdentityCSharp10.*</c> at C# 10), and the whole compiling. Set <c>MEMORY_UPDATE_SNAPSHOTS=1</c> to rewrite
/// the golden files after an intended change, then review the diff.
/// </summary>
public sealed class TypeIdentitySnapshotTests
{
    private const string UpdateVariable = "MEMORY_UPDATE_SNAPSHOTS";

    private static readonly string[] HintNames =
    [
        "Game.Tagged`1.g.cs",
        "Game.Pair`2.g.cs",
        "Game.Window`1.g.cs",
        "Game.Grid`1.Cell.g.cs",
    ];

    /// <summary>.NET 10's reference pack (a served version); the runtime under test is its net10.0 build.</summary>
    private static readonly ReferenceAssemblies Net10 = new(
        "net10.0", new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.12"), Path.Combine("ref", "net10.0"));

    public static TheoryData<LanguageVersion> Versions => new(LanguageVersion.CSharp10, LanguageVersion.CSharp11, LanguageVersion.CSharp12, LanguageVersion.Latest);

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Generic_TypeId_shapes_emit_their_golden_files_and_compile(LanguageVersion version)
    {
        string source = IdentityShapes.Generic(0x01);
        string prefix = version == LanguageVersion.CSharp10 ? "TypeIdentityCSharp10." : "TypeIdentity.";
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
            WriteGoldenFiles(source, version, prefix);

        var test = new CSharpSourceGeneratorTest<MemoryGenerator, DefaultVerifier>
        {
            ReferenceAssemblies = Net10,
            TestState = { Sources = { source } },
        };
        test.TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(AllocatorBase).Assembly.Location));
        foreach (string hintName in HintNames)
        {
            string golden = File.ReadAllText(Path.Combine(SnapshotDirectory(), prefix + hintName + ".txt"));
            test.TestState.GeneratedSources.Add((typeof(MemoryGenerator), hintName, SourceText.From(golden, Encoding.UTF8)));
        }
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var options = (CSharpParseOptions)solution.GetProject(projectId)!.ParseOptions!;
            return solution.WithProjectParseOptions(projectId, options.WithLanguageVersion(version));
        });
        await test.RunAsync();
    }

    [Fact]
    public void Golden_files_spell_the_identity_per_construction()
    {
        string tagged = File.ReadAllText(Path.Combine(SnapshotDirectory(), "TypeIdentity.Game.Tagged`1.g.cs.txt"));
        Assert.Contains("TypeId => global::Memory.TypeIdentity<Tagged<T>>.Id;", tagged, StringComparison.Ordinal);
        Assert.Contains("TypeName => global::Memory.TypeIdentity<Tagged<T>>.Name;", tagged, StringComparison.Ordinal);
        string window = File.ReadAllText(Path.Combine(SnapshotDirectory(), "TypeIdentity.Game.Window`1.g.cs.txt"));
        Assert.Contains("global::Memory.TypeIdentity.Of(typeof(Window<T>))", window, StringComparison.Ordinal);
        string tagged10 = File.ReadAllText(Path.Combine(SnapshotDirectory(), "TypeIdentityCSharp10.Game.Tagged`1.g.cs.txt"));
        Assert.Contains("SharedAllocator<Tagged<T>>.Get(TypeId, TypeName, () => CreateAllocator())", tagged10, StringComparison.Ordinal);
    }

    // The golden files come from a plain run of the generator; the test above then checks them on the official harness.
    private static void WriteGoldenFiles(string source, LanguageVersion version, string prefix)
    {
        var parseOptions = new CSharpParseOptions(version);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetDirectoryName(path) == Path.GetDirectoryName(typeof(object).Assembly.Location))
            .Append(typeof(AllocatorBase).Assembly.Location)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Snapshots", [CSharpSyntaxTree.ParseText(source, parseOptions)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var result = CSharpGeneratorDriver.Create([new MemoryGenerator().AsSourceGenerator()], parseOptions: parseOptions)
            .RunGenerators(compilation).GetRunResult().Results.Single();
        foreach (var generated in result.GeneratedSources)
            File.WriteAllText(Path.Combine(SnapshotDirectory(), prefix + generated.HintName + ".txt"), generated.SourceText.ToString());
    }

    private static string SnapshotDirectory([CallerFilePath] string thisFile = "")
        => Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(thisFile))!, "Snapshots");
}
