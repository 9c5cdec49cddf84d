using System.Reflection;
using System.Runtime.Loader;
using Memory.Generators.Tests.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Memory.Generators.Tests.Overloads;

/// <summary>
/// The law of the generated factories, shown differentially: for every constructor set and every argument
/// list, when <c>new T(args)</c> compiles, <c>T.Create(args)</c> compiles and runs the same constructor; when it
/// does not, neither does <c>T.Create(args)</c>. Both forms are compiled (warnings as errors, so nullable
/// warnings at the call count too) and run in a collectible load context.
/// </summary>
/// <remarks>
/// Two argument kinds are outside the law by construction, and documented: the untyped <c>default</c> literal
/// (it converts to the call-site boundary too, so it may make a call ambiguous, CS0121, but never binds it
/// elsewhere) and arguments that name the call-site parameters.
/// </remarks>
public sealed class OverloadFidelityTests
{
    private static readonly LanguageVersion[] Versions =
        [LanguageVersion.CSharp10, LanguageVersion.CSharp11, LanguageVersion.CSharp12, LanguageVersion.Latest];

    public static TheoryData<string, LanguageVersion> Cases()
    {
        var data = new TheoryData<string, LanguageVersion>();
        foreach (ConstructorSet set in ConstructorSets.All)
        {
            foreach (LanguageVersion version in Versions)
            {
                if (version.MapSpecifiedToEffectiveVersion() >= set.MinimumVersion)
                    data.Add(set.Name, version);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Create_compiles_and_runs_exactly_where_new_does(string setName, LanguageVersion version)
    {
        ConstructorSet set = ConstructorSets.All.Single(s => s.Name == setName);
        string[] arguments = ConstructorSets.Arguments;

        // Round 1: every call in its own method; which methods compile.
        var run = Generate(set, version, Enumerable.Range(0, arguments.Length));
        var generatedProblems = run.Output.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && !tree.FilePath.EndsWith("Calls.cs", StringComparison.Ordinal))
            .ToList();
        Assert.True(generatedProblems.Count == 0, "The type or its generated code does not compile:\n" + string.Join("\n", generatedProblems));
        var failing = FailingMethods(run.Output);

        var failures = new List<string>();
        var running = new List<int>();
        for (int k = 0; k < arguments.Length; k++)
        {
            bool newCompiles = !failing.ContainsKey($"New{k}");
            bool createCompiles = !failing.ContainsKey($"Create{k}");
            bool outsideTheLaw = OutsideTheLaw(arguments[k]);
            if (newCompiles && !createCompiles)
            {
                var errors = failing[$"Create{k}"];
                if (!(outsideTheLaw && errors.All(d => d.Id == "CS0121")))
                    failures.Add($"({arguments[k]}): new compiles, Create does not: {string.Join("; ", errors.Select(d => d.Id + " " + d.GetMessage()))}");
            }
            else if (!newCompiles && createCompiles && !outsideTheLaw)
            {
                failures.Add($"({arguments[k]}): new does not compile ({failing[$"New{k}"][0].Id}), Create does");
            }
            else if (newCompiles && createCompiles)
            {
                running.Add(k);
            }
        }
        Assert.NotEmpty(running);

        // Round 2: the calls that compiled both ways, run: each constructor writes its number into T.Last (an
        // implicit or primary constructor leaves the 0 the call starts with).
        var runnable = Generate(set, version, running);
        using var image = new MemoryStream();
        var emitted = runnable.Output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var context = new AssemblyLoadContext($"overloads {set.Name} {version}", isCollectible: true);
        try
        {
            image.Position = 0;
            Type calls = context.LoadFromStream(image).GetType("Calls", throwOnError: true)!;
            foreach (int k in running)
            {
                int viaNew = Invoke(calls, $"New{k}");
                int viaCreate = Invoke(calls, $"Create{k}");
                if (viaNew != viaCreate)
                    failures.Add($"({arguments[k]}): new runs constructor {viaNew}, Create runs {viaCreate}");
            }
        }
        finally
        {
            context.Unload();
        }

        Assert.True(failures.Count == 0, $"{set.Name} at {version}:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void The_matrix_has_cases_where_each_outcome_occurs()
    {
        // A matrix where new never fails, or every call resolves alike, would prove nothing about resolution.
        ConstructorSet set = ConstructorSets.All.Single(s => s.Name == "numeric leads");
        var failing = FailingMethods(Generate(set, LanguageVersion.Latest, Enumerable.Range(0, ConstructorSets.Arguments.Length)).Output);
        Assert.Contains("New0", failing.Keys);      // no parameterless constructor
        Assert.DoesNotContain("New1", failing.Keys); // T(int)
        Assert.Contains("Create0", failing.Keys);
    }

    private static bool OutsideTheLaw(string arguments)
        => arguments.Contains("default", StringComparison.Ordinal)
            || arguments.Contains("callerFilePath:", StringComparison.Ordinal)
            || arguments.Contains("callSite:", StringComparison.Ordinal);

    private static int Invoke(Type calls, string method)
        => (int)calls.GetMethod(method, BindingFlags.Public | BindingFlags.Static)!.Invoke(null, null)!;

    private static GeneratorRun Generate(ConstructorSet set, LanguageVersion version, IEnumerable<int> calls)
    {
        string type = $$"""
            using Memory;

            [ClassAllocator(typeof(OSAllocator))]
            public {{set.Declaration}}
            {
                public static int Last;
            {{set.Members}}
            }
            """;
        var body = new System.Text.StringBuilder();
        body.AppendLine("public static class Calls");
        body.AppendLine("{");
        body.AppendLine("    public static int i = 1;");
        body.AppendLine("    public static long l = 2;");
        body.AppendLine("    public static string s = \"s\";");
        foreach (int k in calls)
        {
            string arguments = ConstructorSets.Arguments[k];
            body.AppendLine($"    public static int New{k}() {{ {set.Use}.Last = 0; _ = new {set.Use}({arguments}); return {set.Use}.Last; }}");
            body.AppendLine($"    public static int Create{k}() {{ {set.Use}.Last = 0; var created = {set.Use}.Create({arguments}); {set.Use}.Destroy(created); return {set.Use}.Last; }}");
        }
        body.AppendLine("}");

        var options = new CSharpParseOptions(version);
        var compilation = CSharpCompilation.Create(
            "Overloads",
            [CSharpSyntaxTree.ParseText(type, options, path: "/src/T.cs"), CSharpSyntaxTree.ParseText(body.ToString(), options, path: "/src/Calls.cs")],
            TestCompilation.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                generalDiagnosticOption: ReportDiagnostic.Error));
        return GeneratorRun.Start(compilation).AssertClean();
    }

    // The methods of Calls with an error (or a warning, made an error), by name.
    private static Dictionary<string, List<Diagnostic>> FailingMethods(Compilation compilation)
    {
        var failing = new Dictionary<string, List<Diagnostic>>();
        foreach (Diagnostic diagnostic in compilation.GetDiagnostics())
        {
            if (diagnostic.Severity < DiagnosticSeverity.Warning || diagnostic.Location.SourceTree is not { } tree
                || !tree.FilePath.EndsWith("Calls.cs", StringComparison.Ordinal))
                continue;
            var method = tree.GetRoot().FindNode(diagnostic.Location.SourceSpan).AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault();
            Assert.NotNull(method);
            string name = method.Identifier.Text;
            if (!failing.TryGetValue(name, out var list))
                failing[name] = list = [];
            list.Add(diagnostic);
        }
        return failing;
    }
}
