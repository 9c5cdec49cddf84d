using Memory.Analyzers.Rules;
using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Analyzers.Tests.Rules;

/// <summary>MEM0016 gives the reason that applies: <c>AllocatorBase</c> itself is abstract, not a non-allocator.</summary>
public sealed class NotAnAllocatorReasonTests
{
    [Theory]
    [MemberData(nameof(OfficialAnalyzerTest.AllVersions), MemberType = typeof(OfficialAnalyzerTest))]
    public async Task AllocatorBase_is_reported_as_abstract(LanguageVersion version)
    {
        const string source = """
            using Memory;
            using Memory.Schemas;

            [ClassAllocator({|#0:typeof(AllocatorBase)|})] public partial class A { }
            [ClassAllocator({|#1:typeof(AllocatorBase<OSSchema>)|})] public partial class B { }
            [ClassAllocator({|#2:typeof(string)|})] public partial class C { }
            """;
        var test = OfficialAnalyzerTest.Create<GeneratorInputAnalyzer>(source, version);
        test.ExpectedDiagnostics.Add(new Microsoft.CodeAnalysis.Testing.DiagnosticResult(Descriptors.NotAnAllocator)
            .WithLocation(0).WithArguments("AllocatorBase", "it is abstract"));
        test.ExpectedDiagnostics.Add(new Microsoft.CodeAnalysis.Testing.DiagnosticResult(Descriptors.NotAnAllocator)
            .WithLocation(1).WithArguments("AllocatorBase<OSSchema>", "it is abstract"));
        test.ExpectedDiagnostics.Add(new Microsoft.CodeAnalysis.Testing.DiagnosticResult(Descriptors.NotAnAllocator)
            .WithLocation(2).WithArguments("string", "it does not derive from AllocatorBase"));
        await test.RunAsync();
    }
}
