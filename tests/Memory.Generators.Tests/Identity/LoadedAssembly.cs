using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Generators.Tests.Identity;

/// <summary>
/// A user assembly compiled as a build would (the generator run, warnings as errors) and loaded into this process
/// beside the runtime under test, so that what it does with the shared environment can be observed.
/// </summary>
internal static class LoadedAssembly
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> Framework = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetDirectoryName(path) == Path.GetDirectoryName(typeof(object).Assembly.Location))
            .Append(typeof(AllocatorBase).Assembly.Location)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray());

    /// <summary>Compiles <paramref name="sources"/> with the generator into an image; fails on any warning or error.</summary>
    public static byte[] Compile(string assemblyName, LanguageVersion version, IEnumerable<string> sources, params MetadataReference[] references)
    {
        var parseOptions = new CSharpParseOptions(version);
        var compilation = CSharpCompilation.Create(
            assemblyName,
            sources.Select(source => CSharpSyntaxTree.ParseText(source, parseOptions)),
            Framework.Value.AddRange(references),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable,
                generalDiagnosticOption: ReportDiagnostic.Error));
        CSharpGeneratorDriver.Create([new MemoryGenerator().AsSourceGenerator()], parseOptions: parseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);

        using var image = new MemoryStream();
        var result = output.Emit(image);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning)));
        return image.ToArray();
    }

    /// <summary>
    /// Loads images into a context of their own, whose references to each other resolve among themselves and
    /// everything else (Memory.Runtime included) to the test's own assemblies, as one process's modules do.
    /// </summary>
    public static Assembly[] Load(params byte[][] images)
    {
        var context = new ModuleContext();
        return images.Select(image => context.LoadFromStream(new MemoryStream(image))).ToArray();
    }

    /// <summary>Calls <c>public static string Run()</c> of <paramref name="typeName"/>.</summary>
    public static string Run(Assembly assembly, string typeName)
        => (string)assembly.GetType(typeName, throwOnError: true)!.GetMethod("Run")!.Invoke(null, null)!;

    private sealed class ModuleContext() : AssemblyLoadContext(isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName assemblyName)
            => Assemblies.FirstOrDefault(loaded => loaded.GetName().Name == assemblyName.Name);
    }
}
