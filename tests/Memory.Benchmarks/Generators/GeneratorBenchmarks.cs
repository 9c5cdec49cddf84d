using System.Collections.Immutable;
using System.Text;
using BenchmarkDotNet.Attributes;
using Memory.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Benchmarks.Generators;

/// <summary>
/// The generator over 5,000 attributed types (half unmanaged structs with <c>[ClassAllocator]</c>, half classes
/// with <c>[ClassAllocator]</c> and <c>[TypeId]</c>, 100 to a file): the first run, and the run after an edit to
/// a file with no attributed type, which the IDE makes on every keystroke. Target: the incremental run costs at
/// most 1/50 of the first (the Ratio column).
/// </summary>
/// <remarks>
/// <c>AttributeLookupFloorAfterUnrelatedEdit</c> runs a generator that only finds the same attributes with
/// <c>ForAttributeWithMetadataName</c> and returns each type's name: Roslyn re-runs every semantic transform
/// when the compilation changes, and a new compilation binds each attributed type's symbol and attributes
/// afresh, so that run is the least any generator built on <c>ForAttributeWithMetadataName</c> can cost.
/// Run: <c>dotnet run -c Release --project tests/Memory.Benchmarks -- --filter *GeneratorBenchmarks* --job short</c>.</remarks>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private const int TypeCount = 5_000;
    private const int TypesPerFile = 100;

    private CSharpCompilation _compilation = null!;
    private SyntaxTree _unrelated = null!;
    private SyntaxTree _unrelatedEdited = null!;
    private GeneratorDriver _warmDriver = null!;
    private CSharpParseOptions _parseOptions = null!;

    [GlobalSetup]
    public void Setup()
    {
        _parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new List<SyntaxTree>();
        for (int file = 0; file < TypeCount / TypesPerFile; file++)
            trees.Add(CSharpSyntaxTree.ParseText(AttributedFile(file), _parseOptions, path: $"Types{file}.cs"));
        _unrelated = CSharpSyntaxTree.ParseText(UnrelatedFile(1), _parseOptions, path: "Unrelated.cs");
        _unrelatedEdited = CSharpSyntaxTree.ParseText(UnrelatedFile(2), _parseOptions, path: "Unrelated.cs");
        trees.Add(_unrelated);

        _compilation = CSharpCompilation.Create(
            "Benchmark",
            trees,
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        _warmDriver = NewDriver().RunGenerators(_compilation);
        _warmFloorDriver = CSharpGeneratorDriver.Create([new AttributeLookupOnly().AsSourceGenerator()], parseOptions: _parseOptions)
            .RunGenerators(_compilation);
        int generated = _warmDriver.GetRunResult().GeneratedTrees.Length;
        if (generated != TypeCount + (TypeCount / 2))
            throw new InvalidOperationException($"Expected {TypeCount + (TypeCount / 2)} generated files, got {generated}.");
    }

    /// <summary>A new driver over a compilation whose semantic state is fresh: what opening the solution costs.</summary>
    [Benchmark(Baseline = true)]
    public GeneratorDriver FirstRun() => NewDriver().RunGenerators(_compilation.Clone());

    /// <summary>The warm driver after an edit that touches no attributed type: what a keystroke costs.</summary>
    [Benchmark]
    public GeneratorDriver IncrementalRunAfterUnrelatedEdit()
        => _warmDriver.RunGenerators(_compilation.ReplaceSyntaxTree(_unrelated, _unrelatedEdited));

    private GeneratorDriver _warmFloorDriver = null!;

    /// <summary>The same edit under a generator that does nothing but the attribute lookup: the pipeline's floor.</summary>
    [Benchmark]
    public GeneratorDriver AttributeLookupFloorAfterUnrelatedEdit()
        => _warmFloorDriver.RunGenerators(_compilation.ReplaceSyntaxTree(_unrelated, _unrelatedEdited));

    private GeneratorDriver NewDriver()
        => CSharpGeneratorDriver.Create([new MemoryGenerator().AsSourceGenerator()], parseOptions: _parseOptions);

    private static string AttributedFile(int file)
    {
        var text = new StringBuilder("using Memory;\n\nnamespace Game.Generated;\n\n");
        for (int i = file * TypesPerFile; i < (file + 1) * TypesPerFile; i++)
        {
            if (i % 2 == 0)
            {
                text.Append("[ClassAllocator(typeof(OSAllocator))]\n")
                    .Append($"public partial struct Component{i} {{ public int X; public float Y; public Component{i}(int x, float y = 1) {{ X = x; Y = y; }} }}\n\n");
            }
            else
            {
                text.Append("[ClassAllocator(typeof(OSAllocator))]\n")
                    .Append($"[TypeId(\"{{{i:X8}-0000-4000-8000-000000000000}}\")]\n")
                    .Append($"public partial class Entity{i} {{ public Entity{i}(string name) {{ Name = name; }} public string Name {{ get; }} }}\n\n");
            }
        }
        return text.ToString();
    }

    private static string UnrelatedFile(int version)
        => $"namespace Game;\n\npublic static class Settings\n{{\n    public static int Version() => {version};\n}}\n";

    private static ImmutableArray<MetadataReference> References()
    {
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal))
            .Append(typeof(AllocatorBase).Assembly.Location)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }

    /// <summary>Finds the types <see cref="MemoryGenerator"/> finds, and does nothing else.</summary>
    private sealed class AttributeLookupOnly : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            foreach (string attribute in new[] { "Memory.ClassAllocatorAttribute", "Memory.TypeIdAttribute" })
            {
                var names = context.SyntaxProvider.ForAttributeWithMetadataName(
                    attribute, static (_, _) => true, static (target, _) => target.TargetSymbol.Name);
                context.RegisterSourceOutput(names, static (_, _) => { });
            }
        }
    }
}
