using Memory.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis;

namespace Memory.Analyzers.Tests.Rules;

/// <summary>
/// An analyzer test on the official testing package: net10.0 reference assemblies (the runtime's net10.0 build is
/// what the test references, and a net8.0 framework would not bind it), <c>Memory.Runtime</c>, and a language version.
/// </summary>
internal static class OfficialAnalyzerTest
{
    /// <summary>The language versions every rule is checked at (10 only where the shape compiles at 10).</summary>
    public static TheoryData<LanguageVersion> AllVersions => new(LanguageVersion.CSharp10, LanguageVersion.CSharp11, LanguageVersion.CSharp12, LanguageVersion.Latest);

    /// <summary>From C# 11: <c>required</c> members and <c>file</c> types.</summary>
    public static TheoryData<LanguageVersion> VersionsFrom11 => new(LanguageVersion.CSharp11, LanguageVersion.CSharp12, LanguageVersion.Latest);

    public static CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> Create<TAnalyzer>(string source, LanguageVersion version, params MetadataReference[] references)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            TestCode = source,
            ReferenceAssemblies = TestTarget.Net100.ReferenceAssemblies,
        };
        test.TestState.AdditionalReferences.Add(TestTarget.Net100.Runtime.Value);
        test.TestState.AdditionalReferences.AddRange(references);
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var options = (CSharpParseOptions)solution.GetProject(projectId)!.ParseOptions!;
            return solution.WithProjectParseOptions(projectId, options.WithLanguageVersion(version));
        });
        return test;
    }
}
