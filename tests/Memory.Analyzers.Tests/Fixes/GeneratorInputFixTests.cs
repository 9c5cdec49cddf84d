using Microsoft.CodeAnalysis.CodeFixes;
using MakePartial = Memory.Analyzers.Tests.Verification.CodeFixVerifier<Memory.Analyzers.Rules.GeneratorInputAnalyzer, Memory.Analyzers.CodeFixes.MakePartialCodeFixProvider>;
using FixTypeId = Memory.Analyzers.Tests.Verification.CodeFixVerifier<Memory.Analyzers.Rules.GeneratorInputAnalyzer, Memory.Analyzers.CodeFixes.TypeIdCodeFixProvider>;
using FixDuplicate = Memory.Analyzers.Tests.Verification.CodeFixVerifier<Memory.Analyzers.Rules.DuplicateTypeIdAnalyzer, Memory.Analyzers.CodeFixes.TypeIdCodeFixProvider>;

namespace Memory.Analyzers.Tests.Fixes;

public sealed class GeneratorInputFixTests
{
    private const string NotPartialBefore = """
        using Memory;

        [ClassAllocator(typeof(OSAllocator))]
        public sealed class {|MEM0010:Widget|} { }

        [TypeId("{11111111-2222-3333-4444-555555555555}")]
        struct {|MEM0010:Id|} { }

        // The outer types.
        class Outer
        {
            internal class Middle
            {
                [ClassAllocator(typeof(OSAllocator))]
                public partial class {|MEM0011:Inner|} { }

                [TypeId("{11111111-2222-3333-4444-555555555556}")]
                public class {|MEM0010:{|MEM0011:Other|}|} { }
            }
        }
        """;

    private const string NotPartialAfter = """
        using Memory;

        [ClassAllocator(typeof(OSAllocator))]
        public sealed partial class Widget { }

        [TypeId("{11111111-2222-3333-4444-555555555555}")]
        partial struct Id { }

        // The outer types.
        partial class Outer
        {
            internal partial class Middle
            {
                [ClassAllocator(typeof(OSAllocator))]
                public partial class Inner { }

                [TypeId("{11111111-2222-3333-4444-555555555556}")]
                public partial class Other { }
            }
        }
        """;

    [Fact]
    public Task Make_partial_one_by_one() => MakePartial.VerifyFixAsync(NotPartialBefore, NotPartialAfter);

    [Fact]
    public Task Make_partial_fix_all() => MakePartial.VerifyFixAllAsync(NotPartialBefore, NotPartialAfter);

    private const string MalformedBefore = """
        using Memory;

        [TypeId({|MEM0017:"1111111122223333444455555555555a"|})] partial class A { }
        [TypeId({|MEM0017:"not a guid"|})] partial class B { }
        """;

    private const string MalformedAfter = """
        using Memory;

        [TypeId("{11111111-2222-3333-4444-55555555555A}")] partial class A { }
        [TypeId("{NEW-GUID}")] partial class B { }
        """;

    [Fact]
    public Task Malformed_ids_one_by_one() => FixTypeId.VerifyFixAsync(MalformedBefore, MalformedAfter);

    [Fact]
    public Task Malformed_ids_fix_all() => FixTypeId.VerifyFixAllAsync(MalformedBefore, MalformedAfter);

    [Fact]
    public Task Duplicate_ids_fix_all_keeps_the_first() => FixDuplicate.VerifyFixAllAsync("""
        using Memory;

        [TypeId([|"{11111111-2222-3333-4444-555555555555}"|])] partial class A { }
        [TypeId([|"{11111111-2222-3333-4444-555555555555}"|])] partial class B { }
        [TypeId([|"11111111-2222-3333-4444-555555555555"|])] partial class C { }
        """, """
        using Memory;

        [TypeId("{11111111-2222-3333-4444-555555555555}")] partial class A { }
        [TypeId("{NEW-GUID}")] partial class B { }
        [TypeId("{NEW-GUID}")] partial class C { }
        """, FixAllScope.Document, afterOneByOne: """
        using Memory;

        [TypeId("{NEW-GUID}")] partial class A { }
        [TypeId("{NEW-GUID}")] partial class B { }
        [TypeId("11111111-2222-3333-4444-555555555555")] partial class C { }
        """);

    [Fact]
    public Task Duplicate_id_single_fix_renews_that_type() => FixDuplicate.VerifyFixAsync("""
        using Memory;

        [TypeId([|"{11111111-2222-3333-4444-555555555555}"|])] partial class A { }
        [TypeId([|"{11111111-2222-3333-4444-555555555555}"|])] partial class B { }
        """, """
        using Memory;

        [TypeId("{NEW-GUID}")] partial class A { }
        [TypeId("{11111111-2222-3333-4444-555555555555}")] partial class B { }
        """);
}
