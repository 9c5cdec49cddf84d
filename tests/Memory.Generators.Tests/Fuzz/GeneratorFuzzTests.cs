using Memory.Generators.Tests.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Generators.Tests.Fuzz;

/// <summary>
/// The generator never throws and never reports (no exception, no CS8785 over hint names) on random
/// declarations, and whenever the input compiles, the input with the generated files compiles too, with every
/// warning an error. Seeds are fixed, so a failure replays.
/// </summary>
public sealed class GeneratorFuzzTests
{
    private const int FilesPerSeed = 40;

    public static TheoryData<int, LanguageVersion> Seeds()
    {
        var data = new TheoryData<int, LanguageVersion>();
        LanguageVersion[] versions = [LanguageVersion.CSharp10, LanguageVersion.CSharp11, LanguageVersion.CSharp12, LanguageVersion.Latest];
        for (int seed = 1; seed <= 12; seed++)
            data.Add(seed, versions[seed % versions.Length]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_declarations_never_break_the_generator(int seed, LanguageVersion version)
    {
        var declarations = new RandomDeclarations(seed, tame: seed % 2 == 0);
        int valid = 0, generated = 0;
        var invalidBecause = new List<string>();
        for (int i = 0; i < FilesPerSeed; i++)
        {
            string source = declarations.File();
            var compilation = TestCompilation.Create([source], version, allowUnsafe: true)
                .WithOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
                    nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
            var run = GeneratorRun.Start(compilation);
            Assert.True(run.Generator.Exception is null, $"Seed {seed}, file {i} threw {run.Generator.Exception}:\n{source}");
            Assert.True(run.Result.Diagnostics.IsEmpty, $"Seed {seed}, file {i}: {string.Join("\n", run.Result.Diagnostics)}\n{source}");
            generated += run.Sources.Count;

            if (Errors(compilation) is { Count: > 0 } errors)
            {
                invalidBecause.Add(errors[0].Id);
                continue;
            }
            valid++;
            // No new error anywhere, no warning in generated code.
            var generatedTrees = run.Output.SyntaxTrees.Except(compilation.SyntaxTrees).ToHashSet();
            var problems = run.Output.GetDiagnostics()
                .Where(d => d.Severity == DiagnosticSeverity.Error
                    || (d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && generatedTrees.Contains(tree)))
                .ToList();
            Assert.True(problems.Count == 0,
                $"Seed {seed}, file {i}: the input compiles, the output does not:\n{string.Join("\n", problems)}\n{source}\n"
                + string.Join("\n", run.Sources.Values));
        }
        // A fuzzer whose inputs never compile, or never reach the emitters, proves little.
        if (seed % 2 == 0)
            Assert.True(valid >= FilesPerSeed / 4, $"Only {valid} of {FilesPerSeed} tame inputs were valid C#; first errors: {string.Join(", ", invalidBecause)}");
        Assert.True(generated > 0, "Nothing was generated.");
    }

    [Fact]
    public void Hint_names_of_random_declarations_differ_ignoring_case()
    {
        var declarations = new RandomDeclarations(99, tame: false);
        for (int i = 0; i < FilesPerSeed; i++)
        {
            var run = GeneratorRun.Start(TestCompilation.Create([declarations.File(), declarations.File()]));
            var names = run.Sources.Keys.ToList();
            Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
            Assert.All(names, name => Assert.True(name.Length <= 110, name));
        }
    }

    private static List<Diagnostic> Errors(Compilation compilation)
        => compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
}
