namespace Memory.Package.Tests;

public sealed class DiagnosticsSampleTests
{
    private static readonly string[] Rules =
    [
        "MEM0001", "MEM0002", "MEM0003", "MEM0004", "MEM0005", "MEM0006", "MEM0007",
        "MEM0010", "MEM0011", "MEM0012", "MEM0013", "MEM0014", "MEM0015", "MEM0016", "MEM0017", "MEM0018",
    ];

    [Fact]
    public void BuildingTheDiagnosticsSample_ReportsEveryRuleAndNothingElse()
    {
        string root = Directory.CreateTempSubdirectory("memory-diagnostics-").FullName;
        try
        {
            string sample = Path.Combine(DotNetCli.RepositoryRoot, "samples", "Memory.Diagnostics.Sample", "Memory.Diagnostics.Sample.csproj");
            var (exitCode, output) = DotNetCli.Run(DotNetCli.RepositoryRoot,
                "build", sample, "-c", "Release", "--artifacts-path", Path.Combine(root, "artifacts"));

            Assert.True(exitCode == 0, output);
            foreach (string rule in Rules)
                Assert.Contains($"warning {rule}", output);
            var others = output.Split('\n').Where(l => l.Contains(": warning ", StringComparison.Ordinal) && !l.Contains(": warning MEM", StringComparison.Ordinal));
            Assert.Empty(others);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
