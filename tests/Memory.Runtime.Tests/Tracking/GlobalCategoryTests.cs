using System.Runtime.CompilerServices;
using Memory.Runtime.Tests.Tracking.Probe;
using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Tracking;

public sealed class GlobalCategoryTests
{
    [Fact]
    public void AllocationsMadeWhileAnAllocatorIsBeingConstructedGoToTheOSUnderGlobal()
    {
        var allocator = AllocatorInstance<SelfAllocatingAllocator>.Get();
        try
        {
            nint early = allocator.BlockFromConstruction;
            Assert.NotEqual(0, early);
            Assert.IsType<InvalidOperationException>(allocator.ErrorFromConstruction);
            Assert.Contains("being constructed", allocator.ErrorFromConstruction!.Message);

            // The block is the Global category's, with the call site inside the constructor...
            var global = Assert.IsType<GlobalAllocator>(AllocatorManager.Find(GlobalAllocator.CategoryName));
            Assert.True(global.Records.TryGet(early, out var record));
            Assert.Equal(SelfAllocatingAllocator.ConstructionLine, record.Line);
            Assert.Equal("made during construction", record.Name);
            Assert.False(allocator.Records.Contains(early));
            Assert.Contains(AllocatorManager.GetReportTree(), n => n.Name == GlobalAllocator.CategoryName && n.LiveAllocations >= 1);

            // ...and once the allocator is up, Az serves it and sends the early block back to Global.
            nint later = Az.Malloc<SelfAllocatingAllocator>(16);
            Assert.True(allocator.Records.Contains(later));
            Az.Free<SelfAllocatingAllocator>(early);
            Assert.False(global.Records.Contains(early));
            Az.Free<SelfAllocatingAllocator>(later);
            Assert.Equal(0, allocator.Records.LiveAllocations);
        }
        finally
        {
            AllocatorInstance<SelfAllocatingAllocator>.Destroy();
        }
    }

    [Fact]
    public void AfterShutdownAzAllocatesUnderGlobalAndTheSharedAllocatorsReportedTheirLeaks()
    {
        var result = ChildProcess.Run(ProbeProgram.Shutdown);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Output.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains($"Leaks in '{nameof(ProbeSharedAllocator)}': 1 allocation, 48 bytes, from 1 call site", result.Output);
        Assert.Contains("shut down: True", lines);
        Assert.Contains("after shutdown in Global: True", lines);
        Assert.Contains("Get after shutdown: InvalidOperationException", lines);
        Assert.Contains("Global blocks after free: 0", lines);
        Assert.Contains("after start in shared allocator: True", lines);
    }
}

/// <summary>A shared allocator whose construction allocates through <see cref="Az"/> from itself.</summary>
public sealed class SelfAllocatingAllocator : AllocatorBase<OSSchema>, IAllocatorType<SelfAllocatingAllocator>
{
    public static int ConstructionLine;

    private SelfAllocatingAllocator()
        : base(nameof(SelfAllocatingAllocator), "allocates while it is being constructed", default)
    {
        Records.Mode = TrackingMode.Records;
        BlockFromConstruction = Az.Malloc<SelfAllocatingAllocator>(24, name: "made during construction"); ConstructionLine = Line();
        try
        {
            AllocatorInstance<SelfAllocatingAllocator>.Get();
        }
        catch (InvalidOperationException error)
        {
            ErrorFromConstruction = error;
        }
    }

    public static Guid TypeId { get; } = new("0B0E1F35-6D2B-4C47-9E3A-7C1A5E9D1F01");

    public static string TypeName => "Memory.Runtime.Tests.Tracking.SelfAllocatingAllocator";

    public nint BlockFromConstruction { get; }

    public Exception? ErrorFromConstruction { get; }

    public static SelfAllocatingAllocator CreateAllocator() => new();

    private static int Line([CallerLineNumber] int line = 0) => line;
}

/// <summary>A shared allocator for the shutdown scenario of <see cref="ProbeProgram"/>.</summary>
public sealed class ProbeSharedAllocator : AllocatorBase<OSSchema>, IAllocatorType<ProbeSharedAllocator>
{
    private ProbeSharedAllocator()
        : base(nameof(ProbeSharedAllocator), "shared allocator of the shutdown probe", default)
        => Records.Mode = TrackingMode.Records;

    public static Guid TypeId { get; } = new("5E0B8A41-2F7C-4D18-8B6E-0A9C3D7E4B22");

    public static string TypeName => "Memory.Runtime.Tests.Tracking.ProbeSharedAllocator";

    public static ProbeSharedAllocator CreateAllocator() => new();
}
