using System.Runtime.InteropServices;

namespace Memory.Package.Tests;

public sealed class NativeAotSampleTests
{
    [Fact]
    public void NativeAotBuildOfTheMainSample_RunsAndPrintsWhatTheJitRunPrints()
    {
        string root = Directory.CreateTempSubdirectory("memory-aot-").FullName;
        try
        {
            string sample = Path.Combine(DotNetCli.RepositoryRoot, "samples", "Memory.Sample", "Memory.Sample.csproj");
            string output = Path.Combine(root, "publish");

            var (publishExit, publishLog) = DotNetCli.Run(DotNetCli.RepositoryRoot,
                "publish", sample, "-c", "Release", "-p:NativeAotSample=true", "-r", RuntimeInformation.RuntimeIdentifier,
                "-o", output, "--artifacts-path", Path.Combine(root, "artifacts"));
            Assert.True(publishExit == 0, publishLog);
            Assert.DoesNotContain("warning IL", publishLog);

            var (aotExit, aotOutput) = DotNetCli.RunProcess(Path.Combine(output, OperatingSystem.IsWindows() ? "Memory.Sample.exe" : "Memory.Sample"), root);
            // The JIT run: built first and started with `dotnet exec`, so only the program's own output is compared.
            string jitArtifacts = Path.Combine(root, "jit");
            var (buildExit, buildLog) = DotNetCli.Run(DotNetCli.RepositoryRoot,
                "build", sample, "-c", "Release", "--artifacts-path", jitArtifacts);
            Assert.True(buildExit == 0, buildLog);
            string jitAssembly = Directory.GetFiles(jitArtifacts, "Memory.Sample.dll", SearchOption.AllDirectories)
                .Single(f => f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
            var (jitExit, jitOutput) = DotNetCli.Run(root, "exec", jitAssembly);

            Assert.True(aotExit == 0, aotOutput);
            Assert.True(jitExit == 0, jitOutput);
            Assert.Equal(Normalize(jitOutput), Normalize(aotOutput));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").Trim();
}
