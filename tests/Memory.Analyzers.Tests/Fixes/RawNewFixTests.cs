using Memory.Analyzers.Tests.Rules;
using Memory.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis.CodeFixes;
using Verify = Memory.Analyzers.Tests.Verification.CodeFixVerifier<Memory.Analyzers.Rules.RawNewAnalyzer, Memory.Analyzers.CodeFixes.RawNewCodeFixProvider>;

namespace Memory.Analyzers.Tests.Fixes;

public sealed class RawNewFixTests
{
    private const string Before = """
        class User
        {
            void M()
            {
                var a = [|new Widget(4)|];
                Widget b = [|new(5)|];
                Widget c = [|new Widget("named", size: 2)|]; // trailing comment
                Widget d = [|new Widget(1) { Size = 3 }|];
            }
        }
        """;

    private const string After = """
        class User
        {
            void M()
            {
                var a = Widget.Create(4);
                Widget b = Widget.Create(5);
                Widget c = Widget.Create("named", size: 2); // trailing comment
                Widget d = [|new Widget(1) { Size = 3 }|];
            }
        }
        """;

    private static string[] Others => [RawNewTests.Widget, RawNewTests.GeneratedWidget];

    [Fact]
    public Task Fix_one_by_one() => Verify.VerifyFixAsync(Before, After, otherSources: Others);

    [Fact]
    public Task Fix_all_in_document() => Verify.VerifyFixAllAsync(Before, After, otherSources: Others);

    [Fact]
    public Task Fix_all_in_solution() => Verify.VerifyFixAllAsync(Before, After, FixAllScope.Solution, otherSources: Others);

    [Fact]
    public Task No_fix_without_a_factory() => Verify.VerifyFixAsync(
        """
        using Memory;
        [ClassAllocator(typeof(OSAllocator))]
        partial class Bare { }
        class User { Bare b = [|new Bare()|]; }
        """,
        """
        using Memory;
        [ClassAllocator(typeof(OSAllocator))]
        partial class Bare { }
        class User { Bare b = [|new Bare()|]; }
        """);

    [Fact]
    public Task Fix_calls_the_factory_the_generator_adds() => Verify.VerifyFixAsync("""
        using Memory;

        [ClassAllocator(typeof(OSAllocator))]
        public partial class Gadget { public Gadget(int size) { } }

        class User { Gadget g = [|new Gadget(4)|]; }
        """, """
        using Memory;

        [ClassAllocator(typeof(OSAllocator))]
        public partial class Gadget { public Gadget(int size) { } }

        class User { Gadget g = Gadget.Create(4); }
        """, transform: GeneratorReference.Add);
}
