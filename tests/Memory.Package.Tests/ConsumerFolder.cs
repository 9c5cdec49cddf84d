namespace Memory.Package.Tests;

/// <summary>
/// A folder for a consumer project with a NuGet.config that sees only the test's feed and a packages folder of its
/// own, so nothing from the machine's caches can stand in for the package, and with the repository's
/// Directory.Build.* and central package files kept out.
/// </summary>
internal static class ConsumerFolder
{
    public static string Create(PackageFixture package, string name)
    {
        string folder = Path.Combine(package.Root, name);
        Directory.CreateDirectory(folder);
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
        File.WriteAllText(Path.Combine(folder, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(folder, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(folder, "Directory.Packages.props"), "<Project />");
        return folder;
    }
}
