using Memory.Generators.Tests.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Generators.Tests;

/// <summary>
/// A constructor that leaves <c>required</c> members unset gets no <c>Create</c> (the call would not compile),
/// wherever the required member is declared: in the type, in another part of it, in a base class in source, or
/// in a base class from a referenced assembly. A <c>[SetsRequiredMembers]</c> constructor still gets one.
/// </summary>
public sealed class RequiredMembersTests
{
    private const string File = "Game.Required.Subject.g.cs";

    public static TheoryData<string, string> UnsetRequiredMembers => new()
    {
        { "required property", "[Memory.ClassAllocator(typeof(Memory.OSAllocator))] public partial class Subject { public required int X { get; init; } }" },
        { "required field", "[Memory.ClassAllocator(typeof(Memory.OSAllocator))] public partial class Subject { public required int X; }" },
        { "required member in another part", "[Memory.ClassAllocator(typeof(Memory.OSAllocator))] public partial class Subject { } public partial class Subject { public required int X { get; init; } }" },
        { "required member of a base class", "public class Base { public required int X { get; init; } } [Memory.ClassAllocator(typeof(Memory.OSAllocator))] public partial class Subject : Base { }" },
        { "required member of a generic base class", "public class Base<T> { public required T X { get; init; } } [Memory.ClassAllocator(typeof(Memory.OSAllocator))] public partial class Subject : Base<int> { }" },
    };

    [Theory]
    [MemberData(nameof(UnsetRequiredMembers))]
    public void A_type_whose_constructors_leave_required_members_unset_generates_nothing(string shape, string source)
    {
        var run = GeneratorRun.Start(TestCompilation.Create([Namespace + source, Valid])).AssertClean();
        Assert.False(run.Sources.ContainsKey(File), $"{shape}: generated {File}");
        Assert.Contains("Game.Required.Valid.g.cs", run.Sources.Keys);
    }

    [Fact]
    public void A_required_member_of_a_base_class_from_a_referenced_assembly_is_seen()
    {
        // Emitted and loaded as metadata, as a package's assembly is: no syntax to read, only the members.
        var image = new MemoryStream();
        var emitted = CSharpCompilation.Create(
                "Library",
                [CSharpSyntaxTree.ParseText("namespace Lib; public class Base { public required int X { get; init; } public Base() { } }")],
                TestCompilation.References,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary))
            .Emit(image);
        Assert.True(emitted.Success, string.Join("; ", emitted.Diagnostics));
        MetadataReference library = MetadataReference.CreateFromImage(image.ToArray());
        var compilation = TestCompilation.Create([Namespace + "[Memory.ClassAllocator(typeof(Memory.OSAllocator))] public partial class Subject : Lib.Base { }", Valid])
            .AddReferences(library);
        Assert.DoesNotContain(TestCompilation.Problems(compilation), d => d.Id != "CS1591");

        var run = GeneratorRun.Start(compilation).AssertClean();
        Assert.False(run.Sources.ContainsKey(File), $"generated {File}");
        Assert.Contains("Game.Required.Valid.g.cs", run.Sources.Keys);
    }

    [Fact]
    public void Only_a_constructor_that_sets_required_members_gets_a_Create()
    {
        var run = GeneratorRun.Start(TestCompilation.Create([Namespace + """
            [Memory.ClassAllocator(typeof(Memory.OSAllocator))]
            public partial class Subject
            {
                public required int X { get; init; }
                public Subject() { }
                [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
                public Subject(int x) { X = x; }
            }
            """])).AssertClean();

        string text = run.Sources[File];
        Assert.Contains("Create(int x, ", text);
        Assert.Single(text.Split('\n'), line => line.Contains(" Create(", StringComparison.Ordinal));
        Assert.DoesNotContain(TestCompilation.Problems(run.Output), d => d.Id != "CS1591");
    }

    private const string Valid = """
        namespace Game.Required;

        [Memory.ClassAllocator(typeof(Memory.OSAllocator))]
        public partial class Valid { }
        """;

    private const string Namespace = "namespace Game.Required;\n\n";
}
