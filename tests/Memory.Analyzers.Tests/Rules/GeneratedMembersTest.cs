using Memory.Analyzers.Rules;
using Memory.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Memory.Analyzers.Tests.Rules;

/// <summary>
/// <see cref="GeneratedMembersAnalyzer"/> on the official analyzer test framework: net10.0 reference assemblies,
/// the runtime referenced, nullable on, at a chosen C# version.
/// </summary>
internal sealed class GeneratedMembersTest : CSharpAnalyzerTest<GeneratedMembersAnalyzer, DefaultVerifier>
{
    public GeneratedMembersTest(string source, LanguageVersion version)
    {
        TestCode = source;
        Version = version;
        ReferenceAssemblies = TestTarget.Net100.ReferenceAssemblies;
        TestState.AdditionalReferences.Add(TestTarget.Net100.Runtime.Value);
    }

    private LanguageVersion Version { get; }

    protected override ParseOptions CreateParseOptions()
        => ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(Version);

    protected override CompilationOptions CreateCompilationOptions()
        => ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);
}
