using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Generators.Tests.Harness;

/// <summary>Runs <see cref="MemoryGenerator"/> over a compilation with step tracking on.</summary>
internal sealed class GeneratorRun
{
    private GeneratorRun(GeneratorDriver driver, Compilation input, Compilation output)
    {
        Driver = driver;
        Input = input;
        Output = output;
        Result = driver.GetRunResult();
    }

    public GeneratorDriver Driver { get; }

    public Compilation Input { get; }

    /// <summary>The input plus the generated files.</summary>
    public Compilation Output { get; }

    public GeneratorDriverRunResult Result { get; }

    public GeneratorRunResult Generator => Result.Results.Single();

    /// <summary>Generated text by hint name.</summary>
    public IReadOnlyDictionary<string, string> Sources
        => Generator.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());

    public static GeneratorRun Start(Compilation compilation)
    {
        var parseOptions = (CSharpParseOptions)compilation.SyntaxTrees.First().Options;
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new MemoryGenerator().AsSourceGenerator()],
            parseOptions: parseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        return Continue(driver, compilation);
    }

    /// <summary>Runs the same driver again (its cache from the previous run intact) over a new compilation.</summary>
    public GeneratorRun Next(Compilation compilation) => Continue(Driver, compilation);

    private static GeneratorRun Continue(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        return new GeneratorRun(driver, compilation, output);
    }

    /// <summary>Fails when the generator threw or reported anything.</summary>
    public GeneratorRun AssertClean()
    {
        Assert.Null(Generator.Exception);
        Assert.Empty(Generator.Diagnostics);
        return this;
    }

    /// <summary>The output steps of one tracked name, with the reason of each output.</summary>
    public IReadOnlyList<(object Value, IncrementalStepRunReason Reason)> Outputs(string trackingName)
        => Generator.TrackedSteps.TryGetValue(trackingName, out var steps)
            ? steps.SelectMany(step => step.Outputs).Select(o => (o.Value, o.Reason)).ToList()
            : [];
}
