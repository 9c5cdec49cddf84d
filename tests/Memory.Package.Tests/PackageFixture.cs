namespace Memory.Package.Tests;

/// <summary>
/// Packs <c>Memory.Runtime</c> once per test run into a folder of its own, with a version no other run
/// used, so a consumer restore can only ever see this build's package.
/// </summary>
public sealed class PackageFixture : IDisposable
{
    public PackageFixture()
    {
        Root = Directory.CreateTempSubdirectory("memory-package-").FullName;
        Feed = Path.Combine(Root, "feed");
        Version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";

        // A separate artifacts path keeps this build's obj/bin away from the outer build's.
        var (exitCode, output) = DotNetCli.Run(DotNetCli.RepositoryRoot,
            "pack", "src/Memory.Runtime/Memory.Runtime.csproj", "-c", "Release",
            "-o", Feed, $"-p:Version={Version}", "--artifacts-path", Path.Combine(Root, "artifacts"));
        if (exitCode != 0)
            throw new InvalidOperationException($"dotnet pack failed:\n{output}");
        PackagePath = Path.Combine(Feed, $"Memory.Runtime.{Version}.nupkg");
    }

    public string Root { get; }

    public string Feed { get; }

    public string Version { get; }

    public string PackagePath { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }
}

/// <summary>One package for every test that needs it.</summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "package";
}
