using System.ComponentModel;
using System.IO.Compression;
using System.Runtime.Loader;
using System.Xml.Linq;

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
        Assert.Contains("lib/net10.0/Memory.Runtime.xml", entries);
        Assert.Contains("README.md", entries);
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

    [Fact]
    public void Nuspec_carries_what_a_package_browser_shows()
    {
        var metadata = Nuspec().Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value.Trim() ?? "";

        var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal("expression", license.Attribute("type")?.Value);
        Assert.Equal("MIT", license.Value.Trim());
        Assert.Equal("README.md", Value("readme"));
        Assert.Contains("allocators", Value("description"), StringComparison.Ordinal);
        Assert.Contains("allocator", Value("tags").Split(' '));
        Assert.StartsWith("0.1.0:", Value("releaseNotes"), StringComparison.Ordinal);
        Assert.Equal(package.Version, Value("version"));
    }

    [Fact]
    public void Generated_code_plumbing_is_hidden_from_completion_lists_and_the_user_api_is_not()
    {
        using var archive = ZipFile.OpenRead(package.PackagePath);
        using var copy = new MemoryStream();
        using (var dll = archive.GetEntry("lib/net10.0/Memory.Runtime.dll")!.Open())
            dll.CopyTo(copy);
        copy.Position = 0;
        var context = new AssemblyLoadContext("packed-runtime", isCollectible: true);
        try
        {
            var runtime = context.LoadFromStream(copy);
            foreach (string hidden in new[] { "Memory.Objects.NativeObjects", "Memory.Objects.TrackedObjects", "Memory.Objects.SharedAllocator`1", "Memory.Objects.TypeLayout`1" })
                Assert.Equal(EditorBrowsableState.Never, BrowsableState(runtime.GetType(hidden, throwOnError: true)!));
            foreach (string shown in new[] { "Memory.Objects.NativeRef`1", "Memory.Az", "Memory.SystemAllocator", "Memory.AllocatorManager" })
                Assert.Null(BrowsableState(runtime.GetType(shown, throwOnError: true)!));
        }
        finally
        {
            context.Unload();
        }
    }

    private static EditorBrowsableState? BrowsableState(Type type)
        => type.CustomAttributes.Where(a => a.AttributeType.FullName == typeof(EditorBrowsableAttribute).FullName)
            .Select(a => (EditorBrowsableState?)(EditorBrowsableState)(int)a.ConstructorArguments[0].Value!)
            .SingleOrDefault();

    private XDocument Nuspec()
    {
        using var archive = ZipFile.OpenRead(package.PackagePath);
        using var stream = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }
}
