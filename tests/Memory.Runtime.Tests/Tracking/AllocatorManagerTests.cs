using Memory.Diagnostics;
using Memory.Runtime.Tests.Tracking.Probe;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Tracking;

public sealed class AllocatorManagerTests
{
    [Fact]
    public void SettingsByNameApplyToAnAllocatorCreatedLater()
    {
        string name = TestAllocators.UniqueName();
        AllocatorManager.SetTrackingMode(name, TrackingMode.RecordsWithStacks);
        AllocatorManager.SetChecked(name, true);
        AllocatorManager.SetOverrunDetection(name, OverrunDetection.GuardBytes);

        using var allocator = new ThreadSafeTestAllocator(name);
        Assert.Equal(TrackingMode.RecordsWithStacks, allocator.Records.Mode);
        Assert.True(allocator.IsChecked);
        Assert.Equal(OverrunDetection.GuardBytes, allocator.OverrunDetection);
    }

    [Fact]
    public void SettingsByNameApplyToTheLiveAllocatorAtOnce()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Counters);
        using var bystander = new ThreadSafeTestAllocator(TrackingMode.Counters);
        AllocatorManager.SetTrackingMode(allocator.Name, TrackingMode.Records);

        Assert.Equal(TrackingMode.Records, allocator.Records.Mode);
        Assert.Equal(TrackingMode.Counters, bystander.Records.Mode);
        Assert.Same(allocator, AllocatorManager.Find(allocator.Name));
    }

    [Fact]
    public void TheEnvironmentVariableIsParsedIntoSettingsByName()
    {
        var settings = TrackingSettings.Parse(" *=Counters ; Pool = records+checked , GuardPage;Bad;X=NotAMode,2;Y=None ");

        Assert.Equal(new TrackingSettings(TrackingMode.Counters, null, null), settings["*"]);
        Assert.Equal(new TrackingSettings(TrackingMode.Records, true, OverrunDetection.GuardPage), settings["Pool"]);
        Assert.Equal(new TrackingSettings(null, null, null), settings["X"]);
        Assert.Equal(new TrackingSettings(TrackingMode.None, null, null), settings["Y"]);
        Assert.False(settings.ContainsKey("Bad"));
    }

    [Fact]
    public void TheEnvironmentVariableConfiguresAllocatorsBeforeTheyExist()
    {
        var result = ChildProcess.Run(ProbeProgram.PrintSettings, new Dictionary<string, string>
        {
            [AllocatorManager.TrackingVariable] = $"*=None;{ProbeProgram.ProbeAllocatorName}=RecordsWithStacks,Checked,GuardBytes",
        });

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"{ProbeProgram.ProbeAllocatorName} RecordsWithStacks checked=True overrun=GuardBytes", result.Output);
        Assert.Contains("SomeOtherAllocator None checked=False overrun=None", result.Output);
    }

    [Fact]
    public void ABudgetWithTheThrowPolicyRefusesBeforeAllocating()
    {
        using var allocator = new SingleThreadedTestAllocator(TrackingMode.Counters);
        AllocatorManager.SetBudget(allocator.Name, 1000, BudgetPolicy.Throw);
        Assert.Equal(1000, allocator.BudgetBytes);
        nint a = allocator.Allocate(600);

        var error = Assert.Throws<AllocatorBudgetExceededException>(() => allocator.Allocate(500));
        Assert.Equal(allocator.Name, error.AllocatorName);
        Assert.Equal(1000, error.BudgetBytes);
        Assert.Equal(600, error.AllocatedBytes);
        Assert.Equal(500, error.RequestedBytes);
        Assert.Contains(allocator.Name, error.Message);
        Assert.Equal(1, allocator.Records.LiveAllocations);  // nothing was allocated

        nint b = allocator.Allocate(400);  // exactly up to the budget is fine
        allocator.DeAllocate(a);
        allocator.DeAllocate(b);
        AllocatorManager.RemoveBudget(allocator.Name);
        Assert.Null(allocator.BudgetBytes);
        allocator.DeAllocate(allocator.Allocate(5000));
    }

    [Fact]
    public void ABudgetWithTheReportPolicyTellsTheListenersOncePerExcursion()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.None);
        var events = new List<BudgetEvent>();
        void Listen(BudgetEvent e)
        {
            if (e.Allocator == allocator)
                events.Add(e);
        }
        AllocatorManager.AddBudgetListener(Listen);
        try
        {
            AllocatorManager.SetBudget(allocator.Name, 1000, BudgetPolicy.Report);
            Assert.Equal(TrackingMode.Counters, allocator.Records.Mode);  // a budget needs the counters

            nint a = allocator.Allocate(800);
            nint b = allocator.Allocate(300);  // over: reported, and allocated anyway
            nint c = allocator.Allocate(300);  // still over: not reported again
            var report = Assert.Single(events);
            Assert.Equal(1000, report.BudgetBytes);
            Assert.Equal(800, report.AllocatedBytes);
            Assert.Equal(300, report.RequestedBytes);
            Assert.Equal(3, allocator.Records.LiveAllocations);

            allocator.DeAllocate(b);
            allocator.DeAllocate(c);           // back within budget
            nint d = allocator.Allocate(500);  // a new excursion
            Assert.Equal(2, events.Count);
            allocator.DeAllocate(a);
            allocator.DeAllocate(d);
        }
        finally
        {
            AllocatorManager.RemoveBudgetListener(Listen);
            AllocatorManager.RemoveBudget(allocator.Name);
        }
    }

    [Fact]
    public void OutOfMemoryCallsTheListenersCollectsGarbageAndRetriesOnce()
    {
        using var allocator = new LimitedTestAllocator(limit: 1000);
        allocator.Records.Mode = TrackingMode.Records;
        var events = new List<OutOfMemoryEvent>();
        void Listen(OutOfMemoryEvent e)
        {
            if (e.Allocator == allocator)
                events.Add(e);
        }
        AllocatorManager.AddOutOfMemoryListener(Listen);
        try
        {
            nint a = allocator.Allocate(600);
            allocator.DeAllocate(a);          // cached by the schema: 600 bytes unusable until collected

            nint b = allocator.Allocate(700, 16);  // fails, listeners, collection, retry succeeds
            Assert.NotEqual(0, b);
            var oom = Assert.Single(events);
            Assert.Equal(700, oom.Size);
            Assert.Equal(16, oom.Alignment);
            Assert.True(allocator.GarbageCollections >= 1);
            Assert.True(allocator.Records.Contains(b));

            Assert.Equal(0, allocator.Allocate(5000));  // fails again after the one retry
            Assert.Equal(2, events.Count);
            allocator.DeAllocate(b);
        }
        finally
        {
            AllocatorManager.RemoveOutOfMemoryListener(Listen);
        }
    }

    [Fact]
    public void OutOfMemoryOnTheFastPathIsHandledToo()
    {
        using var allocator = new LimitedTestAllocator(limit: 100);
        allocator.Records.Mode = TrackingMode.None;
        allocator.DeAllocate(allocator.Allocate(80));
        int collections = allocator.GarbageCollections;

        nint block = allocator.Allocate(90);
        Assert.NotEqual(0, block);
        Assert.True(allocator.GarbageCollections > collections);
        allocator.DeAllocate(block);
    }

    [Fact]
    public void TheReportIsATreeOfEveryAllocator()
    {
        using var parent = new ThreadSafeTestAllocator(TrackingMode.Counters);
        using var child = new ChildTestAllocator(parent);
        nint a = parent.Allocate(1000);
        nint b = child.Allocate(100);
        nint c = child.Allocate(50);
        Assert.Equal(150, child.Records.AllocatedBytes);  // a read raises a striped peak to what it saw
        child.DeAllocate(c);

        var root = Assert.Single(AllocatorManager.GetReportTree(), n => n.Name == parent.Name);
        Assert.Equal(1000, root.UsedBytes);
        Assert.Equal(1, root.LiveAllocations);
        var node = Assert.Single(root.Children);
        Assert.Equal(child.Name, node.Name);
        Assert.Equal(parent.Name, node.ParentName);
        Assert.Equal(100, node.UsedBytes);
        Assert.Equal(150, node.PeakBytes);
        Assert.Equal(1, node.LiveAllocations);
        Assert.Equal(TrackingMode.Records, node.Mode);
        Assert.DoesNotContain(AllocatorManager.GetReportTree(), n => n.Name == child.Name);

        string text = AllocatorManager.GetReport();
        var lines = text.Split(System.Environment.NewLine);
        Assert.StartsWith("Allocator", lines[0]);
        int parentLine = Array.FindIndex(lines, l => l.StartsWith(parent.Name, StringComparison.Ordinal));
        Assert.True(parentLine > 0, text);
        Assert.StartsWith("  " + child.Name, lines[parentLine + 1]);
        Assert.Contains("1,000", lines[parentLine]);

        parent.DeAllocate(a);
        child.DeAllocate(b);
    }
}

/// <summary>A child of another allocator for the tree report: its own counts over the C heap.</summary>
internal sealed class ChildTestAllocator : AllocatorBase<Memory.Schemas.OSSchema>
{
    public ChildTestAllocator(AllocatorBase parent)
        : base(TestAllocators.UniqueName("Child"), "child test allocator", default, parent)
        => Records.Mode = TrackingMode.Records;
}
