using Memory.Generators.Tests.Harness;
using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Generators.Tests;

/// <summary>
/// Misuse produces no generated file and no exception or diagnostic from the generator: the analyzers
/// (MEM0005, MEM0010-MEM0018) report it. Each case sits beside a valid type that must still be generated,
/// so a case that silently generated nothing for everything would fail.
/// </summary>
public sealed class MisuseTests
{
    private const string Prelude = """
        using Memory;
        using Memory.Schemas;

        namespace Game.Misuse;

        [ClassAllocator(typeof(OSAllocator))]
        [TypeId("{9E81D3C5-06BA-43E4-9556-8792A3B4C5D6}")]
        public partial struct Valid { public int X; }

        """;

    private const string ValidFile = "Game.Misuse.Valid.g.cs";

    public static TheoryData<string, string> ClassAllocatorMisuse => new()
    {
        { "not partial (MEM0010)", "[ClassAllocator(typeof(OSAllocator))] public struct Subject { public int X; }" },
        { "parent not partial (MEM0011)", "public class Outer { [ClassAllocator(typeof(OSAllocator))] public partial struct Subject { public int X; } }" },
        { "one part not partial (MEM0010)", "[ClassAllocator(typeof(OSAllocator))] public partial class Subject { } public class Subject { }" },
        { "static (MEM0012)", "[ClassAllocator(typeof(OSAllocator))] public static partial class Subject { }" },
        { "abstract (MEM0012)", "[ClassAllocator(typeof(OSAllocator))] public abstract partial class Subject { }" },
        { "ref struct (MEM0013)", "[ClassAllocator(typeof(OSAllocator))] public ref partial struct Subject { public int X; }" },
        { "managed struct (MEM0014)", "[ClassAllocator(typeof(OSAllocator))] public partial struct Subject { public string Name; }" },
        { "generic struct over a managed type argument (MEM0014)", "[ClassAllocator(typeof(OSAllocator))] public partial struct Subject<T> { public T Value; }" },
        { "no accessible constructor (MEM0015)", "[ClassAllocator(typeof(OSAllocator))] public partial class Subject { private Subject() { } protected Subject(int x) { } }" },
        { "required members unset by every constructor (MEM0015)", "[ClassAllocator(typeof(OSAllocator))] public partial class Subject { public required int X { get; init; } }" },
        { "typeof a non-allocator (MEM0016)", "[ClassAllocator(typeof(string))] public partial class Subject { }" },
        { "typeof an interface (MEM0016)", "[ClassAllocator(typeof(IAllocator))] public partial class Subject { }" },
        { "typeof an abstract allocator (MEM0016)", "[ClassAllocator(typeof(AllocatorBase))] public partial class Subject { }" },
        { "typeof an open generic (MEM0016)", "[ClassAllocator(typeof(AllocatorBase<>))] public partial class Subject { }" },
        { "typeof a missing type", "[ClassAllocator(typeof(Missing))] public partial class Subject { }" },
        { "typeof null", "[ClassAllocator(null!)] public partial class Subject { }" },
        { "no argument", "[ClassAllocator] public partial class Subject { }" },
        { "allocator without [TypeId] (MEM0005)",
            "public sealed class Plain : AllocatorBase<OSSchema> { public Plain() : base(\"p\", \"d\", default) { } } [ClassAllocator(typeof(Plain))] public partial class Subject { }" },
        { "allocator with a malformed [TypeId] (MEM0017)",
            "[TypeId(\"nope\")] public sealed partial class Bad : AllocatorBase<OSSchema> { public Bad() : base(\"b\", \"d\", default) { } } [ClassAllocator(typeof(Bad))] public partial class Subject { }" },
        { "allocator with [TypeId] that cannot be created",
            "[TypeId(\"{0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9}\")] public sealed partial class NoFactory : AllocatorBase<OSSchema> { public NoFactory(int size) : base(\"n\", \"d\", default) { } } [ClassAllocator(typeof(NoFactory))] public partial class Subject { }" },
        { "attribute on two parts", "[ClassAllocator(typeof(OSAllocator))] public partial class Subject { } [ClassAllocator(typeof(OSAllocator))] public partial class Subject { }" },
        { "file-local type", "[ClassAllocator(typeof(OSAllocator))] file partial class Subject { }" },
        { "interface", "[ClassAllocator(typeof(OSAllocator))] public partial interface Subject { }" },
    };

    public static TheoryData<string, string> TypeIdMisuse => new()
    {
        { "not partial (MEM0010)", "[TypeId(\"{0A1B2C3D-4E5F-4061-8273-8495A6B7C8D9}\")] public class Subject { }" },
        { "parent not partial (MEM0011)", "public class Outer { [TypeId(\"{0A1B2C3D-4E5F-4061-8273-8495A6B7C8D9}\")] public partial class Subject { } }" },
        { "static (MEM0012)", "[TypeId(\"{0A1B2C3D-4E5F-4061-8273-8495A6B7C8D9}\")] public static partial class Subject { }" },
        { "malformed GUID (MEM0017)", "[TypeId(\"{0A1B2C3D-4E5F}\")] public partial class Subject { }" },
        { "empty GUID text (MEM0017)", "[TypeId(\"\")] public partial class Subject { }" },
        { "null GUID (MEM0017)", "[TypeId(null!)] public partial class Subject { }" },
        { "unbalanced braces (MEM0017)", "[TypeId(\"{0A1B2C3D-4E5F-4061-8273-8495A6B7C8D9\")] public partial class Subject { }" },
        { "not a string", "[TypeId(42)] public partial class Subject { }" },
        { "no argument", "[TypeId] public partial class Subject { }" },
        { "duplicate GUID (MEM0018)",
            "[TypeId(\"{0A1B2C3D-4E5F-4061-8273-8495A6B7C8D9}\")] public partial class Subject { } [TypeId(\"0a1b2c3d-4e5f-4061-8273-8495a6b7c8d9\")] public partial class Other { }" },
        { "attribute on two parts", "[TypeId(\"{0A1B2C3D-4E5F-4061-8273-8495A6B7C8D9}\")] public partial class Subject { } [TypeId(\"{0A1B2C3D-4E5F-4061-8273-8495A6B7C8D9}\")] public partial class Subject { }" },
        { "enum", "[TypeId(\"{0A1B2C3D-4E5F-4061-8273-8495A6B7C8D9}\")] public enum Subject { A }" },
        { "file-local type", "[TypeId(\"{0A1B2C3D-4E5F-4061-8273-8495A6B7C8D9}\")] file partial class Subject { }" },
    };

    [Theory]
    [MemberData(nameof(ClassAllocatorMisuse))]
    public void ClassAllocator_misuse_generates_nothing(string misuse, string source)
    {
        var run = GeneratorRun.Start(TestCompilation.Create([Prelude + source])).AssertClean();
        Assert.True(run.Sources.All(file => file.Key == ValidFile || !file.Value.Contains(" Create(")),
            $"{misuse}: generated {string.Join(", ", run.Sources.Keys)}");
        Assert.Contains(" Create(", run.Sources[ValidFile]);
    }

    [Theory]
    [MemberData(nameof(TypeIdMisuse))]
    public void TypeId_misuse_generates_nothing(string misuse, string source)
    {
        var run = GeneratorRun.Start(TestCompilation.Create([Prelude + source])).AssertClean();
        Assert.True(run.Sources.Keys.All(name => name == ValidFile),
            $"{misuse}: generated {string.Join(", ", run.Sources.Keys)}");
        Assert.Contains(" TypeId =>", run.Sources[ValidFile]);
    }

    [Fact]
    public void A_duplicate_guid_skips_only_the_types_that_share_it()
    {
        var run = GeneratorRun.Start(TestCompilation.Create([Prelude + """
            [TypeId("{0A1B2C3D-4E5F-4061-8273-8495A6B7C8D9}")] public partial class First { }
            [TypeId("{0A1B2C3D-4E5F-4061-8273-8495A6B7C8D9}")] public partial class Second { }
            [TypeId("{1B2C3D4E-5F60-4172-8384-95A6B7C8D9EA}")] public partial class Third { }
            """])).AssertClean();
        Assert.Equal(["Game.Misuse.Third.g.cs", ValidFile], run.Sources.Keys.Order());
    }

    [Fact]
    public void A_guid_is_accepted_with_or_without_braces()
    {
        var run = GeneratorRun.Start(TestCompilation.Create([Prelude + """
            [TypeId("1b2c3d4e-5f60-4172-8384-95a6b7c8d9ea")] public partial class Plain { }
            """])).AssertClean();
        Assert.Contains("0x1B2C3D4Eu", run.Sources["Game.Misuse.Plain.g.cs"]);
    }

    [Fact]
    public void Abstract_TypeId_class_gets_type_information_without_allocator_glue()
    {
        var run = GeneratorRun.Start(TestCompilation.Create([Prelude + """
            [TypeId("{1B2C3D4E-5F60-4172-8384-95A6B7C8D9EA}")]
            public abstract partial class AbstractAllocator : AllocatorBase<OSSchema>
            {
                protected AbstractAllocator() : base("a", "d", default) { }
            }
            """])).AssertClean();
        string text = run.Sources["Game.Misuse.AbstractAllocator.g.cs"];
        Assert.Contains(": global::Memory.ITypeInfo", text);
        Assert.DoesNotContain("CreateAllocator", text);
        Assert.DoesNotContain(TestCompilation.Problems(run.Output), d => d.Id != "CS1591");
    }

    [Fact]
    public void The_generator_never_throws_on_truncated_source()
    {
        // Every shape cut off at many points: half-typed code as an editor sends it, keystroke by keystroke.
        foreach (Shape shape in Shapes.All)
        {
            string source = string.Join("\n", shape.Sources);
            for (int length = 0; length < source.Length; length += 37)
            {
                var run = GeneratorRun.Start(TestCompilation.Create([source[..length]], LanguageVersion.Latest, shape.AllowUnsafe));
                Assert.Null(run.Generator.Exception);
                Assert.Empty(run.Generator.Diagnostics);
            }
        }
    }
}
