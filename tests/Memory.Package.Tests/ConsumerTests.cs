namespace Memory.Package.Tests;

[Collection(PackageCollection.Name)]
public sealed class ConsumerTests(PackageFixture package)
{
    [Fact]
    public void Consumer_RestoresFromTheLocalFeed_GeneratesFactories_ReportsTheRules_AndRuns()
    {
        string project = CreateConsumer("consumer-run");

        var (buildExit, buildOutput) = DotNetCli.Run(project, "build", "-c", "Release", "-p:EmitCompilerGeneratedFiles=true");
        Assert.True(buildExit == 0, buildOutput);
        Assert.Contains("warning MEM0001", buildOutput);
        Assert.Contains("warning MEM0002", buildOutput);
        Assert.DoesNotContain("warning MEM0003", buildOutput);
        // The generated code names the generator with the package's own version.
        string generated = string.Concat(Directory.GetFiles(Path.Combine(project, "obj"), "*.g.cs", SearchOption.AllDirectories)
            .Where(f => f.Contains("Memory.Generators", StringComparison.Ordinal)).Select(File.ReadAllText));
        Assert.Contains($"GeneratedCode(\"Memory.Generators\", \"{package.Version}\")", generated);

        var (runExit, output) = DotNetCli.Run(project, "run", "-c", "Release", "--no-build");
        Assert.True(runExit == 0, output);
        Assert.Contains("created 43 True", output);
        Assert.Contains("destroyed 0", output);
        Assert.Contains("consumer ok 3", output);
    }

    private string CreateConsumer(string name)
    {
        string folder = ConsumerFolder.Create(package, name);
        string templates = Path.Combine(AppContext.BaseDirectory, "Consumer");
        File.WriteAllText(Path.Combine(folder, "Consumer.csproj"),
            File.ReadAllText(Path.Combine(templates, "Consumer.csproj.template")).Replace("$(MemoryVersion)", package.Version));
        File.WriteAllText(Path.Combine(folder, "Program.cs"), File.ReadAllText(Path.Combine(templates, "Program.cs.template")));
        return folder;
    }
}
