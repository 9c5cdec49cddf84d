using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Memory.Analyzers.Tests.Rules;

/// <summary>
/// An analyzer test on the official testing package: net10.0 reference assemblies (the runtime's net10.0 build is
/// what the test references, and a net8.0 framework would not bind it), <c>Memory.Runtime</c>, and a language version.
/// </summary>
internal static class OfficialAnalyzerTest
{
    /// <summary>.NET 10's reference pack; the version is one the package source serves.</summary>
    public static readonly ReferenceAssemblies Net10 = new(
        "net10.0", new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.12"), Path.Combine("ref", "net10.0"));

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
            ReferenceAssemblies = Net10,
        };
        test.TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(AllocatorBase).Assembly.Location));
        test.TestState.AdditionalReferences.AddRange(references);
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var options = (CSharpParseOptions)solution.GetProject(projectId)!.ParseOptions!;
            return solution.WithProjectParseOptions(projectId, options.WithLanguageVersion(version));
        });
        return test;
    }
}
