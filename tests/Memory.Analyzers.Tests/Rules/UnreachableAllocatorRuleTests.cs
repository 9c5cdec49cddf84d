using Memory.Analyzers.Rules;
using Memory.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis;

namespace Memory.Analyzers.Tests.Rules;

/// <summary>
/// MEM0022: a source allocator that cannot be created without arguments; MEM0024: an allocator of a referenced
/// assembly compiled at C# 10 that has no static <c>Instance</c>.
/// </summary>
public sealed class UnreachableAllocatorRuleTests
{
    [Theory]
    [MemberData(nameof(OfficialAnalyzerTest.AllVersions), MemberType = typeof(OfficialAnalyzerTest))]
    public async Task An_allocator_whose_only_constructor_takes_arguments_is_reported_where_ClassAllocator_names_it(LanguageVersion version)
    {
        const string source = """
            using Memory;
            using Memory.Schemas;

            [TypeId("{0D4E2F61-7A3B-4C5D-9E8F-1A2B3C4D5E61}")]
            public sealed partial class SizedAllocator : AllocatorBase<OSSchema>
            {
                public SizedAllocator(int budget) : base("Sized", "budget " + budget, default) { }
            }

            [ClassAllocator({|#0:typeof(SizedAllocator)|})]
            public partial class Widget { }
            """;
        var test = OfficialAnalyzerTest.Create<UnreachableAllocatorAnalyzer>(source, version);
        test.ExpectedDiagnostics.Add(new Microsoft.CodeAnalysis.Testing.DiagnosticResult(Descriptors.AllocatorNotCreatable)
            .WithLocation(0).WithArguments("SizedAllocator", "Widget"));
        await test.RunAsync();
    }

    [Theory]
    [MemberData(nameof(OfficialAnalyzerTest.AllVersions), MemberType = typeof(OfficialAnalyzerTest))]
    public async Task Allocators_that_can_be_created_are_fine(LanguageVersion version)
    {
        const string source = """
            using Memory;
            using Memory.Schemas;

            // Optional parameters only.
            [TypeId("{0D4E2F61-7A3B-4C5D-9E8F-1A2B3C4D5E62}")]
            public sealed partial class OptionalAllocator : AllocatorBase<OSSchema>
            {
                private OptionalAllocator(int budget = 4) : base("Optional", "budget " + budget, default) { }
            }

            // A factory of its own.
            [TypeId("{0D4E2F61-7A3B-4C5D-9E8F-1A2B3C4D5E63}")]
            public sealed partial class FactoryAllocator : AllocatorBase<OSSchema>
            {
                private FactoryAllocator(int budget) : base("Factory", "budget " + budget, default) { }
                public static FactoryAllocator CreateAllocator() => new(8);
            }

            // No constructor: the generator writes one that names it.
            [TypeId("{0D4E2F61-7A3B-4C5D-9E8F-1A2B3C4D5E64}")]
            public sealed partial class ChildOfSystem : ChildAllocator<SystemAllocator> { }

            [ClassAllocator(typeof(OptionalAllocator))] public partial class A { }
            [ClassAllocator(typeof(FactoryAllocator))] public partial class B { }
            [ClassAllocator(typeof(ChildOfSystem))] public partial class C { }
            [ClassAllocator(typeof(SystemAllocator))] public partial class D { }
            """;
        await OfficialAnalyzerTest.Create<UnreachableAllocatorAnalyzer>(source, version).RunAsync();
    }

    [Theory]
    [MemberData(nameof(OfficialAnalyzerTest.AllVersions), MemberType = typeof(OfficialAnalyzerTest))]
    public async Task A_CSharp10_library_allocator_without_Instance_is_reported_and_one_with_Instance_is_not(LanguageVersion version)
    {
        const string source = """
            using Memory;

            [ClassAllocator(typeof(Library.GluedAllocator))] public partial class Fine { }

            [ClassAllocator({|#0:typeof(Library.BareAllocator)|})] public partial class Stranded { }
            """;
        var test = OfficialAnalyzerTest.Create<UnreachableAllocatorAnalyzer>(source, version, CSharp10Library());
        test.ExpectedDiagnostics.Add(new Microsoft.CodeAnalysis.Testing.DiagnosticResult(Descriptors.AllocatorWithoutSharedInstance)
            .WithLocation(0).WithArguments("BareAllocator", "Library", "Stranded"));
        await test.RunAsync();
    }

    /// <summary>
    /// What a library compiled at C# 10 holds: <c>[TypeId]</c> allocators without <c>IAllocatorType</c>, one with the static
    /// <c>Instance</c> the generator gives it at C# 10 (written out here), one without.
    /// </summary>
    private static MetadataReference CSharp10Library()
    {
        const string source = """
            using System;
            using Memory;
            using Memory.Schemas;

            namespace Library
            {
                [TypeId("{0D4E2F61-7A3B-4C5D-9E8F-1A2B3C4D5E65}")]
                public sealed class GluedAllocator : AllocatorBase<OSSchema>
                {
                    private GluedAllocator() : base("Glued", "C# 10 glue", default) { }
                    public static Guid TypeId => new Guid("0D4E2F61-7A3B-4C5D-9E8F-1A2B3C4D5E65");
                    public static string TypeName => "Library.GluedAllocator";
                    public static GluedAllocator CreateAllocator() => new GluedAllocator();
                    public static GluedAllocator Instance => Memory.Objects.SharedAllocator<GluedAllocator>.Get(TypeId, TypeName, () => CreateAllocator());
                }

                [TypeId("{0D4E2F61-7A3B-4C5D-9E8F-1A2B3C4D5E66}")]
                public sealed class BareAllocator : AllocatorBase<OSSchema>
                {
                    public BareAllocator() : base("Bare", "no glue", default) { }
                }
            }
            """;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetDirectoryName(path) == Path.GetDirectoryName(typeof(object).Assembly.Location))
            .Append(TestTarget.Net100.RuntimePath)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Library",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.CSharp10))],
            references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return MetadataReference.CreateFromImage(image.ToArray());
    }
}
