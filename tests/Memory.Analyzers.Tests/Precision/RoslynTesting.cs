using Memory.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Memory.Analyzers.Tests.Precision;

/// <summary>
/// The Roslyn testing library's analyzer and code-fix tests, set up as every test is (<see cref="TestSetup"/>) on
/// net10.0. The fixed code is compiled, and compiler errors in it fail the test.
/// </summary>
internal static class RoslynTesting
{
    public static CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> Analyzer<TAnalyzer>(string source)
        where TAnalyzer : DiagnosticAnalyzer, new()
        => Configure(new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> { TestCode = source });

    /// <summary>A fix test; <paramref name="fixedSource"/> equal to <paramref name="source"/> asserts that no fix is offered.</summary>
    public static CSharpCodeFixTest<TAnalyzer, TFix, DefaultVerifier> Fix<TAnalyzer, TFix>(string source, string fixedSource)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TFix : CodeFixProvider, new()
    {
        var test = Configure(new CSharpCodeFixTest<TAnalyzer, TFix, DefaultVerifier> { TestCode = source, FixedCode = fixedSource });
        // Diagnostics left after the fix are marked in the fixed code too.
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        return test;
    }

    private static TTest Configure<TTest>(TTest test)
        where TTest : AnalyzerTest<DefaultVerifier>
    {
        TestSetup.Configure(test, TestTarget.Net100, editorConfig: null);
        return test;
    }
}
