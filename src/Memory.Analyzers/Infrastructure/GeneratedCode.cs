using Microsoft.CodeAnalysis.Diagnostics;

namespace Memory.Analyzers.Infrastructure;

/// <summary>How the rules that report often stay out of generated code.</summary>
internal static class GeneratedCode
{
    /// <summary>
    /// Generated files are analysed and each callback leaves them at once through <c>context.IsGeneratedCode</c>
    /// (file name, <c>&lt;auto-generated&gt;</c> header or the <c>generated_code</c> option, known per file).
    /// </summary>
    /// <remarks>
    /// With <see cref="GeneratedCodeAnalysisFlags.None"/> the driver instead checks every reported diagnostic for
    /// a <c>[GeneratedCode]</c> attribute around it, which walks every token of a file the first time something is
    /// reported in it, and charges the walk to the reporting rule: over FNA that walk was a third of the rules' time.
    /// </remarks>
    public const GeneratedCodeAnalysisFlags SkippedByCallbacks = GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics;
}
