using System.Runtime.CompilerServices;
using Memory.Runtime.Tests.Tracking.Probe;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Tracking;

public sealed class LeakReportTests
{
    [Fact]
    public void LeaksAreGroupedByCallSiteLargestFirst()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Records);
        var blocks = new List<nint>();
        int smallSite = 0, largeSite = 0;
        for (int i = 0; i < 3; i++)
        {
            blocks.Add(allocator.Allocate(100, name: "mesh")); smallSite = CurrentLine();
        }
        for (int i = 0; i < 2; i++)
        {
            blocks.Add(allocator.Allocate(1000, name: "texture")); largeSite = CurrentLine();
        }

        var report = allocator.Records.GetLeakReport();

        Assert.Equal(allocator.Name, report.AllocatorName);
        Assert.Equal(5, report.Count);
        Assert.Equal(2300, report.Bytes);
        Assert.Collection(report.Sites,
            site =>
            {
                Assert.Equal(ThisFile(), site.File);
                Assert.Equal(largeSite, site.Line);
                Assert.Equal(2, site.Count);
                Assert.Equal(2000, site.Bytes);
                Assert.All(site.Allocations, a => Assert.Equal("texture", a.Name));
            },
            site =>
            {
                Assert.Equal(smallSite, site.Line);
                Assert.Equal(3, site.Count);
                Assert.Equal(300, site.Bytes);
            });

        string text = report.ToString();
        Assert.Contains($"Leaks in '{allocator.Name}': 5 allocations, 2,300 bytes, from 2 call sites", text);
        int large = text.IndexOf($"{ThisFile()}:{largeSite}", StringComparison.Ordinal);
        int small = text.IndexOf($"{ThisFile()}:{smallSite}", StringComparison.Ordinal);
        Assert.True(large > 0 && small > large, text);
        Assert.Contains("2,000 bytes in 2 allocations", text);
        Assert.Contains("(texture)", text);

        foreach (var block in blocks)
            allocator.DeAllocate(block);
        Assert.True(allocator.Records.GetLeakReport().IsEmpty);
    }

    [Fact]
    public void AMarkLimitsTheReportToWhatWasAllocatedSince()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Records);
        nint before = allocator.Allocate(8);
        long mark = allocator.Records.Mark();
        nint freed = allocator.Allocate(16);
        nint leaked = allocator.Allocate(32, name: "leaked");
        allocator.DeAllocate(freed);

        var report = allocator.Records.GetLeakReport(mark);
        var site = Assert.Single(report.Sites);
        Assert.Equal(leaked, Assert.Single(site.Allocations).Address);

        allocator.DeAllocate(before);
        allocator.DeAllocate(leaked);
    }

    [Fact]
    public void StacksAppearUnderTheirCallSite()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.RecordsWithStacks);
        nint block = allocator.Allocate(64);

        string text = allocator.Records.GetLeakReport().ToString();
        Assert.Contains($"at {nameof(Memory)}.{nameof(Runtime)}.{nameof(Tests)}.{nameof(Tracking)}.{nameof(LeakReportTests)}.{nameof(StacksAppearUnderTheirCallSite)}", text);
        allocator.DeAllocate(block);
    }

    [Fact]
    public void WithoutRecordsTheReportStillCountsTheLiveBlocks()
    {
        using var allocator = new SingleThreadedTestAllocator(TrackingMode.Counters);
        nint a = allocator.Allocate(40);
        nint b = allocator.Allocate(60);

        var report = allocator.Records.GetLeakReport();
        Assert.False(report.IsEmpty);
        Assert.Empty(report.Sites);
        Assert.Equal(2, report.CountedAllocations);
        Assert.Equal(100, report.CountedBytes);
        Assert.Contains("still holds 2 allocations (100 bytes)", report.ToString());

        allocator.DeAllocate(a);
        allocator.DeAllocate(b);
        Assert.True(allocator.Records.GetLeakReport().IsEmpty);
    }

    [Fact]
    public void LeaksCanBeReportedAtProcessExit()
    {
        var result = ChildProcess.Run(ProbeProgram.LeakAtExit, new Dictionary<string, string>
        {
            [AllocatorManager.LeaksAtExitVariable] = "1",
        });

        Assert.True(result.ExitCode == 0, result.ToString());
        int returned = result.Output.IndexOf("returning from Main", StringComparison.Ordinal);
        int report = result.Output.IndexOf("Leaks in 'ExitProbe': 2 allocations, 400 bytes, from 2 call sites", StringComparison.Ordinal);
        Assert.True(returned >= 0 && report > returned, result.ToString());
        int second = result.Output.IndexOf("(second site)", StringComparison.Ordinal);
        int first = result.Output.IndexOf("(first site)", StringComparison.Ordinal);
        Assert.True(second > report && first > second, result.ToString());  // largest first
        Assert.Contains($"{nameof(ProbeProgram)}.cs:", result.Output);
    }

    [Fact]
    public void NoReportIsMadeAtExitUnlessAskedFor()
    {
        var result = ChildProcess.Run(ProbeProgram.LeakAtExit);
        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("Leaks in", result.Output);
    }

    private static int CurrentLine([CallerLineNumber] int line = 0) => line;

    private static string ThisFile([CallerFilePath] string file = "") => file;
}

[Collection(ProcessWideStateCollection.Name)]
public sealed class TeardownLeakReportTests
{
    [Fact]
    public void DisposingAnAllocatorWithLiveBlocksReportsThemWhereConfigured()
    {
        var reports = new List<LeakReport>();
        var previous = AllocatorManager.LeakReportOutput;
        AllocatorManager.LeakReportOutput = reports.Add;
        try
        {
            var allocator = new ThreadSafeTestAllocator(TrackingMode.Records);
            nint kept = allocator.Allocate(24, name: "forgotten");
            nint freed = allocator.Allocate(8);
            allocator.DeAllocate(freed);
            allocator.Dispose();

            var report = Assert.Single(reports, r => r.AllocatorName == allocator.Name);
            Assert.Equal(kept, Assert.Single(Assert.Single(report.Sites).Allocations).Address);
            allocator.DeAllocate(kept);

            // An allocator without leaks says nothing.
            var clean = new ThreadSafeTestAllocator(TrackingMode.Records);
            clean.DeAllocate(clean.Allocate(8));
            clean.Dispose();
            Assert.DoesNotContain(reports, r => r.AllocatorName == clean.Name);
        }
        finally
        {
            AllocatorManager.LeakReportOutput = previous;
        }
    }

    [Fact]
    public void ReportsCanGoToATextWriter()
    {
        var previous = AllocatorManager.LeakReportOutput;
        using var writer = new StringWriter();
        AllocatorManager.WriteLeakReportsTo(writer);
        try
        {
            var allocator = new ThreadSafeTestAllocator(TrackingMode.Records);
            nint kept = allocator.Allocate(24); int line = CurrentLine();
            allocator.Dispose();
            allocator.DeAllocate(kept);

            Assert.Contains($"Leaks in '{allocator.Name}': 1 allocation, 24 bytes, from 1 call site", writer.ToString());
            Assert.Contains($"{nameof(LeakReportTests)}.cs:{line}", writer.ToString());
        }
        finally
        {
            AllocatorManager.LeakReportOutput = previous;
        }
    }

    private static int CurrentLine([CallerLineNumber] int line = 0) => line;
}
