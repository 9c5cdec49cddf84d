using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Memory.Analyzers.Tests.Verification;

/// <summary>
/// A target framework the runtime ships for: the framework's reference assemblies (fetched by the testing
/// package from the package feed) and the runtime's build for that framework, which the test compilations reference.
/// </summary>
internal sealed class TestTarget
{
    public static readonly TestTarget Net80 = new("net8.0", ReferenceAssemblies.Net.Net80);

    // The testing package's own Net100 names a reference pack version the feed does not serve; this one is served.
    public static readonly TestTarget Net100 = new("net10.0",
        new ReferenceAssemblies("net10.0", new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.12"), Path.Combine("ref", "net10.0")));

    /// <summary>Every test runs on each of these.</summary>
    public static readonly IReadOnlyList<TestTarget> All = [Net80, Net100];

    private TestTarget(string name, ReferenceAssemblies referenceAssemblies)
    {
        Name = name;
        ReferenceAssemblies = referenceAssemblies;
        RuntimePath = Path.Combine(AppContext.BaseDirectory, "runtime", name, "Memory.Runtime.dll");
        Runtime = new Lazy<MetadataReference>(() => MetadataReference.CreateFromFile(RuntimePath));
    }

    public string Name { get; }

    public ReferenceAssemblies ReferenceAssemblies { get; }

    /// <summary>The path of <c>Memory.Runtime.dll</c> built for this framework.</summary>
    public string RuntimePath { get; }

    /// <summary><c>Memory.Runtime.dll</c> built for this framework.</summary>
    public Lazy<MetadataReference> Runtime { get; }

    public override string ToString() => Name;
}
