using Memory.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Memory.Analyzers.Tests.Rules;

/// <summary>
/// An analyzer test at a chosen language version, set up as every test is (<see cref="TestSetup"/>) on net10.0: the
/// runtime's net10.0 build is what these tests reference, and a net8.0 framework would not bind it.
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
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> { TestCode = source };
        TestSetup.Configure(test, TestTarget.Net100, editorConfig: null, languageVersion: version);
        test.TestState.AdditionalReferences.AddRange(references);
        return test;
    }
}
