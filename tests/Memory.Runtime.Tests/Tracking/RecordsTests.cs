using System.Runtime.CompilerServices;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Tracking;

public sealed class RecordsTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ARecordKeepsSizeAlignmentNameFileLineAndTime(bool threadSafeSchema)
    {
        using AllocatorBase allocator = threadSafeSchema
            ? new ThreadSafeTestAllocator(TrackingMode.Records)
            : new SingleThreadedTestAllocator(TrackingMode.Records);
        DateTime before = DateTime.UtcNow;
        nint block = allocator.Allocate(200, 64, "texture"); int line = CurrentLine();
        DateTime after = DateTime.UtcNow;

        Assert.True(allocator.Records.TryGet(block, out var record));
        Assert.Equal(block, record.Address);
        Assert.Equal(200, record.RequestedSize);
        Assert.Equal(200, record.Size);
        Assert.Equal(64, record.Alignment);
        Assert.Equal("texture", record.Name);
        Assert.Equal(ThisFile(), record.File);
        Assert.Equal(line, record.Line);
        Assert.Equal($"{ThisFile()}:{line}", record.CallSite);
        Assert.InRange(record.Timestamp, before.AddMilliseconds(-50), after.AddMilliseconds(50));  // a coarse clock
        Assert.Null(record.StackTrace);

        allocator.DeAllocate(block);
        Assert.False(allocator.Records.TryGet(block, out _));
    }

    [Fact]
    public void LiveAllocationsCanBeEnumeratedOldestFirst()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Records);
        nint a = allocator.Allocate(10, name: "a");
        nint b = allocator.Allocate(20, name: "b");
        nint c = allocator.Allocate(30, name: "c");
        allocator.DeAllocate(b);

        var live = allocator.Records.Snapshot();
        Assert.Equal(["a", "c"], live.Select(r => r.Name));
        Assert.Equal([a, c], live.Select(r => r.Address));
        Assert.True(live[0].Sequence < live[1].Sequence);
        Assert.Equal(40, allocator.Records.RequestedBytes);
        Assert.Equal(2, allocator.Records.RecordCount);
        Assert.Equal(2, allocator.Records.LiveAllocations);
        Assert.Equal(40, allocator.Records.AllocatedBytes);

        allocator.DeAllocate(a);
        allocator.DeAllocate(c);
        Assert.Empty(allocator.Records.Snapshot());
        Assert.Equal(0, allocator.Records.RequestedBytes);
    }

    [Fact]
    public void ReallocationMovesTheRecordAndKeepsItsCallSite()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Records);
        nint block = allocator.Allocate(16, name: "grows"); int line = CurrentLine();
        nint moved = allocator.ReAllocate(block, 4096);

        Assert.True(allocator.Records.TryGet(moved, out var record));
        Assert.Equal(4096, record.RequestedSize);
        Assert.Equal("grows", record.Name);
        Assert.Equal(line, record.Line);
        Assert.Equal(1, allocator.Records.RecordCount);
        Assert.Equal(4096, allocator.Records.AllocatedBytes);
        allocator.DeAllocate(moved);
    }

    [Fact]
    public void SwitchingToNoneClearsTheRecords()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Records);
        nint a = allocator.Allocate(10);
        nint b = allocator.Allocate(20);
        Assert.Equal(2, allocator.Records.RecordCount);

        allocator.Records.Mode = TrackingMode.None;
        Assert.Equal(0, allocator.Records.RecordCount);
        Assert.Empty(allocator.Records.Snapshot());

        // The blocks are still good and free without records.
        allocator.DeAllocate(a);
        allocator.DeAllocate(b);
    }

    [Fact]
    public void StacksAreRecordedFromTheCallerUpToTheConfiguredDepth()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.RecordsWithStacks);
        allocator.Records.StackDepth = 2;
        nint block = AllocateThroughAHelper(allocator);

        Assert.True(allocator.Records.TryGet(block, out var record));
        string[] frames = record.StackTrace!.Split(System.Environment.NewLine);
        Assert.Equal(2, frames.Length);
        Assert.Contains(nameof(AllocateThroughAHelper), frames[0]);
        Assert.Contains(nameof(StacksAreRecordedFromTheCallerUpToTheConfiguredDepth), frames[1]);
        Assert.DoesNotContain(frames, f => f.TrimStart().StartsWith("at Memory.AllocatorBase", StringComparison.Ordinal));
        allocator.DeAllocate(block);
    }

    [Fact]
    public void StacksCanBeCapturedWithoutFileInformation()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.RecordsWithStacks);
        allocator.Records.StackFileInfo = false;
        nint block = AllocateThroughAHelper(allocator);
        allocator.Records.StackFileInfo = true;
        nint withFiles = AllocateThroughAHelper(allocator);

        Assert.True(allocator.Records.TryGet(block, out var bare));
        Assert.True(allocator.Records.TryGet(withFiles, out var full));
        Assert.Contains(nameof(AllocateThroughAHelper), bare.StackTrace);
        Assert.DoesNotContain(nameof(RecordsTests) + ".cs", bare.StackTrace);
        Assert.Contains(nameof(RecordsTests) + ".cs:line", full.StackTrace);
        allocator.DeAllocate(block);
        allocator.DeAllocate(withFiles);
    }

    [Fact]
    public void RecordsModeCountsToo()
    {
        using var allocator = new SingleThreadedTestAllocator(TrackingMode.Records);
        nint block = allocator.Allocate(300);
        allocator.DeAllocate(block);
        Assert.Equal(300, allocator.Records.PeakBytes);
        Assert.Equal(1, allocator.Records.TotalAllocations);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static nint AllocateThroughAHelper(AllocatorBase allocator) => allocator.Allocate(32);

    private static int CurrentLine([CallerLineNumber] int line = 0) => line;

    private static string ThisFile([CallerFilePath] string file = "") => file;
}
