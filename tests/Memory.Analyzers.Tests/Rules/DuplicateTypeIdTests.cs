using Verify = Memory.Analyzers.Tests.Verification.AnalyzerVerifier<Memory.Analyzers.Rules.DuplicateTypeIdAnalyzer>;

namespace Memory.Analyzers.Tests.Rules;

public sealed class DuplicateTypeIdTests
{
    [Fact]
    public Task Reports_every_type_sharing_an_identifier_however_it_is_spelled() => Verify.VerifyAsync(
    [
        """
        using Memory;

        [TypeId([|"{11111111-2222-3333-4444-555555555555}"|])] partial class A { }
        [TypeId([|"11111111-2222-3333-4444-555555555555"|])] partial class B { }
        [TypeId("{11111111-2222-3333-4444-555555555556}")] partial class Unique { }
        [TypeId("not a guid")] partial class Malformed { }
        [TypeId("not a guid")] partial class MalformedToo { }
        """,
        """
        [Memory.TypeId([|"{AAAAAAAA-2222-3333-4444-555555555555}"|])] partial class C { }
        [Memory.TypeId([|"{aaaaaaaa-2222-3333-4444-555555555555}"|])] partial class D { }
        """,
    ]);

    [Fact]
    public Task The_message_names_the_other_type() => Verify.VerifyAsync(
    [
        """
        [Memory.TypeId({|#0:"{11111111-2222-3333-4444-555555555555}"|})] partial class First { }
        [Memory.TypeId({|#1:"{11111111-2222-3333-4444-555555555555}"|})] partial class Second { }
        """,
    ], expected:
    [
        Verify.Diagnostic().WithLocation(0).WithMessage("'First' has the same type identifier {11111111-2222-3333-4444-555555555555} as 'Second'"),
        Verify.Diagnostic().WithLocation(1).WithMessage("'Second' has the same type identifier {11111111-2222-3333-4444-555555555555} as 'First'"),
    ]);
}
