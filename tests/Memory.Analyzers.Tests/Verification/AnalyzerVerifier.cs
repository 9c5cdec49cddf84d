using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Memory.Analyzers.Tests.Verification;

/// <summary>
/// Runs <typeparamref name="TAnalyzer"/> over marked-up sources on every <see cref="TestTarget"/> and checks that it
/// reports exactly the marked spans: <c>[|...|]</c> for its first (or only) rule, <c>{|MEMxxxx:...|}</c> for a named
/// one. Unmarked compiler errors fail the test: test sources must compile.
/// </summary>
internal static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static Task VerifyAsync(string markup, string? editorConfig = null) => VerifyAsync([markup], editorConfig);

    public static async Task VerifyAsync(string[] markups, string? editorConfig = null, string assemblyName = "TestProject",
        bool referenceRuntime = true, IReadOnlyList<TestTarget>? targets = null, params DiagnosticResult[] expected)
    {
        foreach (TestTarget target in targets ?? TestTarget.All)
        {
            var test = new Test();
            TestSetup.Configure(test, target, editorConfig, assemblyName, referenceRuntime);
            TestSetup.AddSources(test.TestState, markups, referenceRuntime);
            test.ExpectedDiagnostics.AddRange(expected);
            await RunOnAsync(target, test.RunAsync);
        }
    }

    /// <summary>A diagnostic of the analyzer's first rule, for expectations the markup cannot state (messages).</summary>
    public static DiagnosticResult Diagnostic() => new(new TAnalyzer().SupportedDiagnostics[0]);

    /// <summary>Names the target framework in a failure, so a failure on one framework only reads as such.</summary>
    internal static async Task RunOnAsync(TestTarget target, Func<CancellationToken, Task> run)
    {
        try
        {
            await run(CancellationToken.None);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"On {target}: {failure.Message}", failure);
        }
    }

    private sealed class Test : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    {
        // [|...|] stands for the analyzer's first rule, also when the analyzer has several.
        protected override DiagnosticDescriptor? GetDefaultDiagnostic(DiagnosticAnalyzer[] analyzers)
            => analyzers[0].SupportedDiagnostics[0];
    }
}
