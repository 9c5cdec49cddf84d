using System.Collections.Immutable;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Memory.Benchmarks.Workloads;
using Memory.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Benchmarks.Generators;

/// <summary>
/// The generator over 5,000 attributed types (half unmanaged structs with <c>[ClassAllocator]</c>, half classes
/// with <c>[ClassAllocator]</c> and <c>[TypeId]</c>, 100 to a file; 5,000 generated files, one per type): the first run, and
/// the run after an edit to a file with no attributed type, which the IDE makes on every keystroke. Target: the
/// incremental run costs at most 1/50 of the first (the Ratio column, one baseline per category).
/// </summary>
/// <remarks>
/// <para>
/// Two categories. <b>Cold</b>: the compilation as an edit leaves it, nothing bound — what a keystroke costs.
/// Roslyn re-runs every <c>ForAttributeWithMetadataName</c> transform when the compilation changes, and the new
/// compilation binds each attributed type's symbol and attributes afresh (the compilation the compiler then
/// compiles, with the generated files added, is another one and binds again). <b>Warm</b>: the same runs over
/// a compilation whose declarations were bound before the measured region (<see cref="Bind"/>), so the figure
/// is the generator's own work and Roslyn's pipeline around it, without the binding.
/// </para>
/// <para>
/// The floors are generators that do less than <see cref="MemoryGenerator"/>, over the same edit:
/// <c>AttributeLookupFloor</c> only finds the same attributes and returns each type's name (the least any
/// generator on <c>ForAttributeWithMetadataName</c> can cost); <c>AttributeLookupAndOutputsFloor</c> also adds,
/// for each type, a one-line file under the hint name <see cref="MemoryGenerator"/> uses — the bookkeeping
/// Roslyn does on every run for each generated file, cached or not.
/// </para>
/// Run: <c>dotnet run -c Release --project tests/Memory.Benchmarks -- --filter *GeneratorBenchmarks* --job short</c>.
/// </remarks>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class GeneratorBenchmarks
{
    private const string Cold = "Cold: the edited compilation, nothing bound";
    private const string Warm = "Warm: declarations bound before the run";
    private const int TypesPerFile = 100;

    private CSharpParseOptions _parseOptions = null!;
    private CSharpCompilation _compilation = null!;
    private SyntaxTree _unrelated = null!;
    private SyntaxTree _unrelatedEdited = null!;
    private GeneratorDriver _driver = null!;
    private GeneratorDriver _lookupDriver = null!;
    private GeneratorDriver _lookupAndOutputsDriver = null!;
    private Compilation _bound = null!;

    /// <summary>5,000 when measuring; the smoke run scales it down like every workload.</summary>
    private static int TypeCount => WorkloadScale.Of(5_000);

    [GlobalSetup]
    public void Setup()
    {
        _parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new List<SyntaxTree>();
        for (int first = 0; first < TypeCount; first += TypesPerFile)
            trees.Add(CSharpSyntaxTree.ParseText(AttributedFile(first, Math.Min(first + TypesPerFile, TypeCount)), _parseOptions, path: $"Types{first / TypesPerFile}.cs"));
        _unrelated = CSharpSyntaxTree.ParseText(UnrelatedFile(1), _parseOptions, path: "Unrelated.cs");
        _unrelatedEdited = CSharpSyntaxTree.ParseText(UnrelatedFile(2), _parseOptions, path: "Unrelated.cs");
        trees.Add(_unrelated);

        _compilation = CSharpCompilation.Create(
            "Benchmark",
            trees,
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        // Each driver has run once over the compilation, as the IDE's has before the edit.
        // One generated file per attributed type.
        int expected = TypeCount;
        _driver = Started(new MemoryGenerator(), expected);
        _lookupDriver = Started(new AttributeLookupOnly(), expected: 0);
        _lookupAndOutputsDriver = Started(new AttributeLookupAndOutputs(), expected);
    }

    /// <summary>A new driver over a compilation whose semantic state is fresh: what opening the solution costs.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Cold)]
    public GeneratorDriver FirstRun() => NewDriver().RunGenerators(_compilation.Clone());

    /// <summary>The started driver after an edit that touches no attributed type: what a keystroke costs.</summary>
    [Benchmark]
    [BenchmarkCategory(Cold)]
    public GeneratorDriver IncrementalRunAfterUnrelatedEdit() => _driver.RunGenerators(Edited());

    /// <summary>The same edit under a generator that does nothing but the attribute lookup: the pipeline's floor.</summary>
    [Benchmark]
    [BenchmarkCategory(Cold)]
    public GeneratorDriver AttributeLookupFloorAfterUnrelatedEdit() => _lookupDriver.RunGenerators(Edited());

    /// <summary>The same edit under a generator that finds the types and adds one small file for each.</summary>
    [Benchmark]
    [BenchmarkCategory(Cold)]
    public GeneratorDriver AttributeLookupAndOutputsFloorAfterUnrelatedEdit() => _lookupAndOutputsDriver.RunGenerators(Edited());

    /// <summary>A fresh copy of the compilation, its declarations bound, for <see cref="WarmFirstRun"/>.</summary>
    [IterationSetup(Target = nameof(WarmFirstRun))]
    public void BindFresh() => _bound = Bind(_compilation.Clone());

    /// <summary>The edited compilation, its declarations bound, for the warm runs after the edit.</summary>
    [IterationSetup(Targets = [nameof(WarmIncrementalRunAfterUnrelatedEdit), nameof(WarmAttributeLookupFloorAfterUnrelatedEdit), nameof(WarmAttributeLookupAndOutputsFloorAfterUnrelatedEdit)])]
    public void BindEdited() => _bound = Bind(Edited());

    /// <summary><see cref="FirstRun"/> over a compilation whose declarations are bound.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Warm)]
    public GeneratorDriver WarmFirstRun() => NewDriver().RunGenerators(_bound);

    /// <summary><see cref="IncrementalRunAfterUnrelatedEdit"/> over a compilation whose declarations are bound.</summary>
    [Benchmark]
    [BenchmarkCategory(Warm)]
    public GeneratorDriver WarmIncrementalRunAfterUnrelatedEdit() => _driver.RunGenerators(_bound);

    /// <summary><see cref="AttributeLookupFloorAfterUnrelatedEdit"/> over a compilation whose declarations are bound.</summary>
    [Benchmark]
    [BenchmarkCategory(Warm)]
    public GeneratorDriver WarmAttributeLookupFloorAfterUnrelatedEdit() => _lookupDriver.RunGenerators(_bound);

    /// <summary><see cref="AttributeLookupAndOutputsFloorAfterUnrelatedEdit"/> over a compilation whose declarations are bound.</summary>
    [Benchmark]
    [BenchmarkCategory(Warm)]
    public GeneratorDriver WarmAttributeLookupAndOutputsFloorAfterUnrelatedEdit() => _lookupAndOutputsDriver.RunGenerators(_bound);

    /// <summary>
    /// Binds what the compiler binds for any compilation before it looks at a method body: every declaration,
    /// its attributes, its members' signatures, field types and parameter default values
    /// (<see cref="Compilation.GetDeclarationDiagnostics"/>). That covers what the generator reads — the
    /// attributed types and their attributes, which <c>ForAttributeWithMetadataName</c> binds, and the
    /// constructors, parameters and fields the parser reads — and leaves method bodies, which nothing here reads.
    /// </summary>
    private static Compilation Bind(Compilation compilation)
    {
        _ = compilation.GetDeclarationDiagnostics();
        return compilation;
    }

    private Compilation Edited() => _compilation.ReplaceSyntaxTree(_unrelated, _unrelatedEdited);

    private GeneratorDriver NewDriver()
        => CSharpGeneratorDriver.Create([new MemoryGenerator().AsSourceGenerator()], parseOptions: _parseOptions);

    private GeneratorDriver Started(IIncrementalGenerator generator, int expected)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create([generator.AsSourceGenerator()], parseOptions: _parseOptions)
            .RunGenerators(_compilation);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        if (result.Exception is not null || result.GeneratedSources.Length != expected)
            throw new InvalidOperationException($"{generator.GetType().Name}: expected {expected} generated files, got {result.GeneratedSources.Length}.", result.Exception);
        return driver;
    }

    private static string AttributedFile(int first, int end)
    {
        var text = new StringBuilder("using Memory;\n\nnamespace Game.Generated;\n\n");
        for (int i = first; i < end; i++)
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

    private static readonly string[] Attributes = ["Memory.ClassAllocatorAttribute", "Memory.TypeIdAttribute"];

    /// <summary>Finds the types <see cref="MemoryGenerator"/> finds, and does nothing else.</summary>
    private sealed class AttributeLookupOnly : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            foreach (string attribute in Attributes)
            {
                var names = context.SyntaxProvider.ForAttributeWithMetadataName(
                    attribute, static (_, _) => true, static (target, _) => target.TargetSymbol.Name);
                context.RegisterSourceOutput(names, static (_, _) => { });
            }
        }
    }

    /// <summary>Finds the same types and adds a one-line file for each, named as <see cref="MemoryGenerator"/> names it.</summary>
    private sealed class AttributeLookupAndOutputs : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            // One file per type, as MemoryGenerator writes: a type with both attributes is the first lookup's.
            foreach (string attribute in Attributes)
            {
                bool skipClassAllocatorTypes = attribute == "Memory.TypeIdAttribute";
                var names = context.SyntaxProvider.ForAttributeWithMetadataName(
                    attribute, static (_, _) => true, (target, _) =>
                        skipClassAllocatorTypes && target.TargetSymbol.GetAttributes().Any(a => a.AttributeClass?.Name == "ClassAllocatorAttribute")
                            ? null
                            : "Game.Generated." + target.TargetSymbol.MetadataName)
                    .Where(static name => name is not null);
                context.RegisterSourceOutput(names, static (output, name) => output.AddSource(name + ".g.cs", "// " + name + "\n"));
            }
        }
    }
}
