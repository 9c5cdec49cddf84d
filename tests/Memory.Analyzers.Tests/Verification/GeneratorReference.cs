using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Memory.Analyzers.Tests.Verification;

/// <summary>
/// The Memory generator as a test solution's analyzer reference, as the package hands it to a user's compiler: for
/// fixes that call what the generator adds (<c>T.Create(...)</c>), checked against its real output.
/// </summary>
internal static class GeneratorReference
{
    private static readonly Lazy<AnalyzerFileReference> Reference = new(() =>
        new AnalyzerFileReference(Path.Combine(AppContext.BaseDirectory, "generator", "Memory.Generators.dll"), new Loader()));

    /// <summary>A solution transform that adds the generator to the test project.</summary>
    public static Solution Add(Solution solution, ProjectId projectId) => solution.AddAnalyzerReference(projectId, Reference.Value);

    // The generator's own dependency, Roslyn, is the one this process has loaded already.
    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
