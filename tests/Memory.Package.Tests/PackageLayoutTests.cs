using System.IO.Compression;

namespace Memory.Package.Tests;

[Collection(PackageCollection.Name)]
public sealed class PackageLayoutTests(PackageFixture package)
{
    [Fact]
    public void Package_CarriesTheRuntimeForBothFrameworksAndTheRoslynComponents()
    {
        using var archive = ZipFile.OpenRead(package.PackagePath);
        var entries = archive.Entries.Select(e => e.FullName).ToHashSet();

        Assert.Contains("lib/net8.0/Memory.Runtime.dll", entries);
        Assert.Contains("lib/net10.0/Memory.Runtime.dll", entries);
        Assert.Contains("lib/net8.0/Memory.Runtime.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/Memory.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Memory.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Memory.Analyzers.CodeFixes.dll", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/netstandard2.0", StringComparison.Ordinal));
    }

    [Fact]
    public void Package_DependsOnNothing()
    {
        using var archive = ZipFile.OpenRead(package.PackagePath);
        var nuspec = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var reader = new StreamReader(nuspec.Open());
        string text = reader.ReadToEnd();

        Assert.DoesNotContain("<dependency ", text);
    }
}
