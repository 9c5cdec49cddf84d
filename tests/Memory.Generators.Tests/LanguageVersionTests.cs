using Memory.Generators.Tests.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;

namespace Memory.Generators.Tests;

/// <summary>
/// The generated code of every shape, with caller code, compiles with every warning an error at each C#
/// version from 10 on (documentation diagnostics on, so an undocumented generated member fails too).
/// </summary>
public sealed class LanguageVersionTests
{
    private static readonly LanguageVersion[] Versions =
        [LanguageVersion.CSharp10, LanguageVersion.CSharp11, LanguageVersion.CSharp12, LanguageVersion.Latest];

    public static TheoryData<string, LanguageVersion> Cases()
    {
        var data = new TheoryData<string, LanguageVersion>();
        foreach (Shape shape in Shapes.All)
        {
            foreach (LanguageVersion version in Versions)
            {
                if (version.MapSpecifiedToEffectiveVersion() >= shape.MinimumVersion)
                    data.Add(shape.Name, version);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Generated_code_compiles_without_warnings(string shapeName, LanguageVersion version)
    {
        Shape shape = Shapes.Named(shapeName);
        // Test sources need no XML docs of their own; generated members must have them.
        string[] sources = [.. shape.Sources, shape.Usage];
        var test = new GeneratorTest(sources.Select(source => "#pragma warning disable CS1591\n" + source), version, shape.AllowUnsafe,
            documentation: DocumentationMode.Diagnose)
        {
            CompilerDiagnostics = CompilerDiagnostics.Warnings,
            TestBehaviors = TestBehaviors.SkipGeneratedSourcesCheck,
        };
        await test.RunAsync();
    }

    [Fact]
    public async Task A_warning_anywhere_fails_the_compile_check_so_it_is_live()
    {
        var test = new GeneratorTest(["public static class Usage { public static void Run() { int unused; } }"], LanguageVersion.Latest, allowUnsafe: false)
        {
            CompilerDiagnostics = CompilerDiagnostics.Warnings,
            TestBehaviors = TestBehaviors.SkipGeneratedSourcesCheck,
        };
        await Assert.ThrowsAnyAsync<Exception>(() => test.RunAsync());
    }

    [Fact]
    public void An_undocumented_public_member_is_a_problem_so_the_documentation_check_is_live()
    {
        var compilation = TestCompilation.Create(["public static class Undocumented { public static void Member() { } }"]);
        Assert.Contains(TestCompilation.Problems(compilation), d => d.Id == "CS1591");
    }

    [Fact]
    public void A_type_cannot_implement_static_abstract_members_at_CSharp_10()
    {
        // Why C# 10 output leaves out ITypeInfo and IAllocatorType: the compiler refuses the implementation.
        var compilation = TestCompilation.Create(
            ["""
            public sealed class Marker : Memory.ITypeInfo
            {
                public static System.Guid TypeId => default;
                public static string TypeName => "Marker";
            }
            """],
            LanguageVersion.CSharp10);
        Assert.Contains(TestCompilation.Problems(compilation), d => d.Id == "CS8706");
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp10, false)]
    [InlineData(LanguageVersion.CSharp11, true)]
    [InlineData(LanguageVersion.Latest, true)]
    public void The_interfaces_are_implemented_from_CSharp_11_on(LanguageVersion version, bool implements)
    {
        var run = GeneratorRun.Start(TestCompilation.Create(Shapes.AllocatorGlue.Sources, version)).AssertClean();
        var allocator = run.Output.GetTypeByMetadataName("Game.Allocators.TestAllocator")!;
        var marker = run.Output.GetTypeByMetadataName("Memory.IAllocatorType`1")!.Construct(allocator);
        Assert.Equal(implements, allocator.AllInterfaces.Contains(marker, SymbolEqualityComparer.Default));
        // The static members are there either way.
        Assert.NotEmpty(allocator.GetMembers("TypeId"));
        Assert.NotEmpty(allocator.GetMembers("Instance"));
        Assert.NotEmpty(allocator.GetMembers("CreateAllocator"));
    }
}
