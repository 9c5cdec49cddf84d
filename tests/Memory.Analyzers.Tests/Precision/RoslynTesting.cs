using Memory.Analyzers.Tests.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Memory.Analyzers.Tests.Precision;

/// <summary>
/// The Roslyn testing library's analyzer and code-fix tests, set up as a project using the package compiles:
/// the running framework's assemblies and <c>Memory.Runtime</c>, unsafe code, nullable annotations, the latest
/// language. The fixed code is compiled, and compiler errors in it fail the test.
/// </summary>
internal static class RoslynTesting
{
    private static readonly Lazy<MetadataReference[]> References = new(static () =>
    {
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => string.Equals(Path.GetDirectoryName(path), framework, StringComparison.Ordinal))
            .Append(TestTarget.Net100.RuntimePath)
            .Select(path => MetadataReference.CreateFromFile(path))];
    });

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
        // No reference-assembly package: the framework the tests run on is the one compiled against.
        test.ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        test.TestState.AdditionalReferences.AddRange(References.Value);
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var project = solution.GetProject(projectId)!;
            return solution
                .WithProjectCompilationOptions(projectId, ((CSharpCompilationOptions)project.CompilationOptions!)
                    .WithAllowUnsafe(true).WithNullableContextOptions(NullableContextOptions.Enable))
                .WithProjectParseOptions(projectId, ((CSharpParseOptions)project.ParseOptions!).WithLanguageVersion(LanguageVersion.Latest));
        });
        return test;
    }
}
