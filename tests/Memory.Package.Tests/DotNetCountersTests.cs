using System.Diagnostics;

namespace Memory.Package.Tests;

/// <summary>
/// The live figures as users read them: the real <c>dotnet-counters</c>, restored from the repository's tool manifest,
/// attached to a running program built from the package.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class DotNetCountersTests(PackageFixture package)
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan CollectTimeout = TimeSpan.FromMinutes(1);

    private static readonly string[] Instruments =
    [
        "memory.allocator.allocated", "memory.allocator.reserved", "memory.allocator.peak",
        "memory.allocator.live_allocations", "memory.allocator.allocations",
    ];

    // What the watched program holds: allocator, blocks, bytes per block (Watched/Program.cs.template).
    private static readonly (string Allocator, int Count, int Size)[] Held =
    [
        ("OSAllocator", 3, 1000), ("SystemAllocator", 4, 2000), ("PoolAllocator", 5, 64),
        ("ThreadPoolAllocator", 6, 128), ("HeapAllocator", 7, 256), ("WatchedAllocator", 8, 512),
    ];

    [Fact]
    public void DotNetCounters_reads_every_allocators_instruments_from_a_running_process()
    {
        var (restoreExit, restoreOutput) = DotNetCli.Run(DotNetCli.RepositoryRoot, BuildTimeout, "tool", "restore");
        Assert.True(restoreExit == 0, "dotnet tool restore (.config/dotnet-tools.json) failed:\n" + restoreOutput);

        string folder = ConsumerFolder.Create(package, "watched");
        File.WriteAllText(Path.Combine(folder, "Watched.csproj"), ConsoleProject.For(package.Version));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Watched", "Program.cs.template"), Path.Combine(folder, "Program.cs"));
        var (buildExit, buildOutput) = DotNetCli.Run(folder, BuildTimeout, "build", "-c", "Release", "-o", "out");
        Assert.True(buildExit == 0, buildOutput);

        using var watched = DotNetCli.Start(folder, "exec", Path.Combine(folder, "out", "Watched.dll"));
        string output = Path.Combine(folder, "counters.csv");
        string collectLog;
        try
        {
            string pid = WaitUntilReady(watched);
            (int collectExit, collectLog) = DotNetCli.Run(DotNetCli.RepositoryRoot, CollectTimeout,
                "tool", "run", "dotnet-counters", "collect", "--process-id", pid, "--counters", "Memory",
                "--format", "csv", "--output", output, "--refresh-interval", "1", "--duration", "00:00:00:05");
            Assert.True(collectExit == 0, "dotnet-counters collect failed:\n" + collectLog);
        }
        finally
        {
            Stop(watched);
        }

        Assert.True(File.Exists(output), "dotnet-counters wrote no file; it said:\n" + collectLog);
        string csv = File.ReadAllText(output);
        var readings = CounterReadings.FromCsv(csv.Split('\n'));
        foreach (var (allocator, count, size) in Held)
        {
            foreach (string instrument in Instruments)
                Assert.True(readings.Has(instrument, allocator), $"No {instrument} for {allocator} in:\n{csv}");
            double live = readings.Last("memory.allocator.live_allocations", allocator);
            double allocated = readings.Last("memory.allocator.allocated", allocator);
            double peak = readings.Last("memory.allocator.peak", allocator);
            // A parent's figures include its children's, and a schema may round a block up to its size class.
            Assert.True(live >= count && allocated >= count * size && peak >= allocated,
                $"{allocator} holds {count} blocks of {size} bytes; dotnet-counters read {live} live, {allocated} bytes, peak {peak}:\n{csv}");
        }
        Assert.Equal(8, readings.Last("memory.allocator.live_allocations", "WatchedAllocator"));
    }

    /// <summary>The watched program's pid, once it holds its blocks.</summary>
    private static string WaitUntilReady(Process watched)
    {
        var line = watched.StandardOutput.ReadLineAsync();
        if (!line.Wait(ReadyTimeout) || line.Result is not { } ready || !ready.StartsWith("ready ", StringComparison.Ordinal))
        {
            Stop(watched);
            Assert.Fail($"The watched program did not report ready within {ReadyTimeout.TotalSeconds:0} s:\n{watched.StandardError.ReadToEnd()}");
        }
        return line.Result!["ready ".Length..].Trim();
    }

    private static void Stop(Process watched)
    {
        if (watched.HasExited)
            return;
        watched.StandardInput.Close();
        if (!watched.WaitForExit(TimeSpan.FromSeconds(10)))
            watched.Kill(entireProcessTree: true);
        watched.WaitForExit();
    }
}
