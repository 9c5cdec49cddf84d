using System.Collections;
using System.Reflection;
using Memory.Generators.Tests.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Generators.Tests;

/// <summary>
/// The pipeline is incremental: a second run over the same input, and a run after an edit that touches no
/// attributed type, reuse every output; an edit to one attributed type regenerates that type alone; and the
/// models hold no symbol, syntax or compilation that would defeat the cache (or keep a compilation alive).
/// </summary>
public sealed class CachingTests
{
    private static readonly string[] TrackedNames =
    [
        TrackingNames.ClassAllocatorModels, TrackingNames.TypeIdModels, TrackingNames.Outputs,
    ];

    private static readonly string[] Sources =
    [
        """
        namespace Game;
        [Memory.ClassAllocator(typeof(Memory.OSAllocator))]
        public partial struct Alpha { public int X; public Alpha(int x) { X = x; } }
        """,
        """
        namespace Game;
        [Memory.ClassAllocator(typeof(Memory.OSAllocator))]
        [Memory.TypeId("{A1B2C3D4-E5F6-4718-8293-A4B5C6D7E8F9}")]
        public partial class Beta { }
        """,
        """
        namespace Game;
        [Memory.TypeId("{B2C3D4E5-F607-4829-93A4-B5C6D7E8F90A}")]
        public sealed partial class GammaAllocator : Memory.AllocatorBase<Memory.Schemas.OSSchema>
        {
            public GammaAllocator() : base("Gamma", "d", default) { }
        }
        """,
        """
        namespace Game;
        public static class Unrelated { public static int Value() => 1; }
        """,
    ];

    [Fact]
    public void A_second_run_over_the_same_input_is_all_cached()
    {
        var compilation = TestCompilation.Create(Sources);
        var first = GeneratorRun.Start(compilation).AssertClean();
        var second = first.Next(compilation).AssertClean();

        Assert.Equal(first.Sources, second.Sources);
        AssertEveryStep(second, IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void An_unrelated_edit_leaves_every_output_cached_or_unchanged()
    {
        var compilation = TestCompilation.Create(Sources);
        var first = GeneratorRun.Start(compilation).AssertClean();
        var second = first.Next(Edit(compilation, 3, "=> 1;", "=> 2 + Helper(); static int Helper() => 3;")).AssertClean();

        Assert.Equal(first.Sources, second.Sources);
        AssertEveryStep(second, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        Assert.All(second.Generator.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs),
            output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
    }

    [Fact]
    public void Adding_an_unrelated_file_leaves_every_output_cached_or_unchanged()
    {
        var compilation = TestCompilation.Create(Sources);
        var first = GeneratorRun.Start(compilation).AssertClean();
        var added = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Game; internal static class Added { }", (CSharpParseOptions)compilation.SyntaxTrees.First().Options));
        var second = first.Next(added).AssertClean();

        AssertEveryStep(second, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Editing_one_attributed_type_regenerates_only_its_output()
    {
        var compilation = TestCompilation.Create(Sources);
        var first = GeneratorRun.Start(compilation).AssertClean();
        var second = first.Next(Edit(compilation, 0, "public Alpha(int x)", "public Alpha(long y) { X = (int)y; } public Alpha(int x)")).AssertClean();

        var outputs = second.Outputs(TrackingNames.Outputs);
        var modified = outputs.Where(o => o.Reason is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New).ToList();
        Assert.Equal("Game.Alpha", Assert.Single(modified).Value is ValueTuple<Model.GeneratedTypeModel, string> output ? output.Item1.Type.DisplayName : null);
        Assert.All(outputs.Except(modified), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.Equal(3, outputs.Count);   // every attributed type's file is accounted for in the one step

        Assert.NotEqual(first.Sources["Game.Alpha.g.cs"], second.Sources["Game.Alpha.g.cs"]);
        Assert.Contains("Create(long y", second.Sources["Game.Alpha.g.cs"]);
        foreach (var (hintName, text) in first.Sources.Where(s => s.Key != "Game.Alpha.g.cs"))
            Assert.Equal(text, second.Sources[hintName]);
    }

    [Fact]
    public void Models_hold_no_symbols_syntax_or_compilations()
    {
        var run = GeneratorRun.Start(TestCompilation.Create(Sources)).AssertClean();
        var models = TrackedNames.SelectMany(run.Outputs).Select(o => o.Value).Where(v => v is not null).ToList();
        Assert.NotEmpty(models);
        // Every shape's models too, so each model type and field is visited.
        foreach (Shape shape in Shapes.All)
        {
            var shapeRun = GeneratorRun.Start(TestCompilation.Create(shape.Sources, LanguageVersion.Latest, shape.AllowUnsafe));
            models.AddRange(TrackedNames.SelectMany(shapeRun.Outputs).Select(o => o.Value).Where(v => v is not null));
        }

        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        int values = 0;
        foreach (object model in models)
            values += Walk(model, "model", visited);
        Assert.True(values > 100, $"Only {values} values visited: the walk is not reaching into the models.");
    }

    private static int Walk(object? value, string path, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value is Enum)
            return 1;
        Assert.False(value is ISymbol or SyntaxNode or SyntaxToken or SyntaxTree or Location or Compilation or SemanticModel or AttributeData or TypedConstant,
            $"{path} holds a {value.GetType().FullName}");
        if (!value.GetType().IsValueType && !visited.Add(value))
            return 0;

        int count = 1;
        if (value is IEnumerable items)
        {
            int index = 0;
            foreach (object? item in items)
                count += Walk(item, $"{path}[{index++}]", visited);
            return count;
        }
        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            count += Walk(field.GetValue(value), $"{path}.{field.Name}", visited);
        return count;
    }

    private static void AssertEveryStep(GeneratorRun run, params IncrementalStepRunReason[] allowed)
    {
        foreach (string name in TrackedNames)
        {
            var outputs = run.Outputs(name);
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(allowed.Contains(o.Reason), $"{name}: {o.Reason} for {o.Value}"));
        }
    }

    private static Compilation Edit(Compilation compilation, int index, string find, string replace)
    {
        SyntaxTree tree = compilation.SyntaxTrees.ElementAt(index);
        string text = tree.ToString();
        Assert.Contains(find, text);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text.Replace(find, replace))));
    }
}
