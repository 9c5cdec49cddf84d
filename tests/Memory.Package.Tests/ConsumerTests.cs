namespace Memory.Package.Tests;

[Collection(PackageCollection.Name)]
public sealed class ConsumerTests(PackageFixture package)
{
    [Fact]
    public void Consumer_RestoresFromTheLocalFeed_GeneratesFactories_ReportsTheRules_AndRuns()
    {
        string project = CreateConsumer("consumer-run");

        var (buildExit, buildOutput) = DotNetCli.Run(project, "build", "-c", "Release");
        Assert.True(buildExit == 0, buildOutput);
        Assert.Contains("warning MEM0001", buildOutput);
        Assert.Contains("warning MEM0002", buildOutput);
        Assert.DoesNotContain("warning MEM0003", buildOutput);

        var (runExit, output) = DotNetCli.Run(project, "run", "-c", "Release", "--no-build");
        Assert.True(runExit == 0, output);
        Assert.Contains("created 43 True", output);
        Assert.Contains("destroyed 0", output);
        Assert.Contains("consumer ok 3", output);
    }

    /// <summary>
    /// Lays out a consumer project in its own folder with a NuGet.config that sees only the test's feed
    /// and a packages folder of its own, so nothing from the machine's caches can stand in for the package.
    /// </summary>
    private string CreateConsumer(string name)
    {
        string folder = Path.Combine(package.Root, name);
        Directory.CreateDirectory(folder);
        string templates = Path.Combine(AppContext.BaseDirectory, "Consumer");
        File.WriteAllText(Path.Combine(folder, "Consumer.csproj"),
            File.ReadAllText(Path.Combine(templates, "Consumer.csproj.template")).Replace("$(MemoryVersion)", package.Version));
        File.WriteAllText(Path.Combine(folder, "Program.cs"), File.ReadAllText(Path.Combine(templates, "Program.cs.template")));
        File.WriteAllText(Path.Combine(folder, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{package.Feed}" />
              </packageSources>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(folder, "packages")}" />
              </config>
            </configuration>
            """);
        // Keep the repository's Directory.Build.* and central package files out of the consumer.
        File.WriteAllText(Path.Combine(folder, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(folder, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(folder, "Directory.Packages.props"), "<Project />");
        return folder;
    }
}
