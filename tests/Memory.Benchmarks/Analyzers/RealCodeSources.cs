using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Benchmarks.Analyzers;

/// <summary>
/// The sources of a real code base, named by the caller: directories (every <c>*.cs</c> beneath them, <c>bin</c>
/// and <c>obj</c> skipped) and single files, separated by <see cref="Path.PathSeparator"/>. They are compiled as one
/// library against the running framework and the runtime, unsafe code allowed, as a project referencing the
/// package compiles them.
/// </summary>
internal sealed class RealCodeSources
{
    /// <summary>The environment variable naming the sources when no argument does.</summary>
    public const string Variable = "MEMORY_REAL_CODE";

    private RealCodeSources(string name, ImmutableArray<SyntaxTree> trees, int lines)
    {
        Name = name;
        Trees = trees;
        Lines = lines;
    }

    public string Name { get; }

    public ImmutableArray<SyntaxTree> Trees { get; }

    public int Lines { get; }

    /// <summary>The synthetic workload of <see cref="AnalyzerBenchmarks"/>, to compare its densities and shares with real code.</summary>
    public static RealCodeSources Synthetic()
    {
        var trees = AnalyzerWorkload.CreateTrees();
        return new RealCodeSources("synthetic workload", trees, trees.Sum(tree => tree.GetText().Lines.Count));
    }

    /// <summary>The sources named by <paramref name="specification"/>, or null when it names none.</summary>
    public static RealCodeSources? Load(string? specification, string? defines)
    {
        if (string.IsNullOrWhiteSpace(specification))
            return null;
        var entries = specification.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var files = entries.SelectMany(Expand).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            return null;
        var options = new CSharpParseOptions(LanguageVersion.Latest,
            preprocessorSymbols: (defines ?? string.Empty).Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        int lines = 0;
        var trees = ImmutableArray.CreateBuilder<SyntaxTree>(files.Count);
        foreach (string file in files)
        {
            var text = Microsoft.CodeAnalysis.Text.SourceText.From(File.ReadAllText(file), System.Text.Encoding.UTF8);
            lines += text.Lines.Count;
            trees.Add(CSharpSyntaxTree.ParseText(text, options, path: file));
        }
        string name = string.Join(" + ", entries.Select(e => Path.GetFileName(e.TrimEnd('/', '\\'))));
        return new RealCodeSources(name, trees.MoveToImmutable(), lines);
    }

    private static IEnumerable<string> Expand(string entry)
    {
        if (File.Exists(entry))
            return [Path.GetFullPath(entry)];
        if (!Directory.Exists(entry))
            throw new DirectoryNotFoundException($"{entry} is neither a directory nor a file.");
        return Directory.EnumerateFiles(entry, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" || part.StartsWith("obj_", StringComparison.Ordinal)))
            .Select(Path.GetFullPath);
    }

    public CSharpCompilation CreateCompilation()
        => CSharpCompilation.Create("RealCode", Trees, References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, concurrentBuild: false));

    private static MetadataReference[]? s_references;

    private static MetadataReference[] References => LazyInitializer.EnsureInitialized(ref s_references, static () =>
    {
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => string.Equals(Path.GetDirectoryName(path), framework, StringComparison.Ordinal))
            .Append(typeof(AllocatorBase).Assembly.Location)
            .Select(path => MetadataReference.CreateFromFile(path))];
    });
}
