using Memory.Analyzers.Rules;
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
    // The SDK's runtime pack version served here; the framework's Net90/Net100 presets name versions that are not.
    private static readonly ReferenceAssemblies Net10 = new(
        "net10.0", new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.12"), Path.Combine("ref", "net10.0"));

    public GeneratedMembersTest(string source, LanguageVersion version)
    {
        TestCode = source;
        Version = version;
        ReferenceAssemblies = Net10;
        TestState.AdditionalReferences.Add(typeof(AllocatorBase).Assembly);
    }

    private LanguageVersion Version { get; }

    protected override ParseOptions CreateParseOptions()
        => ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(Version);

    protected override CompilationOptions CreateCompilationOptions()
        => ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);
}
