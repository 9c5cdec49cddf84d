using System.Runtime.CompilerServices;
using Memory.Diagnostics;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Tracking;

public sealed unsafe class GuardBytesTests
{
    public static TheoryData<int, int> Shapes => new()
    {
        { 1, 0 }, { 7, 0 }, { 16, 0 }, { 33, 0 }, { 100, 8 }, { 250, 64 }, { 4096, 4096 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryOverrunOfOneToSixteenBytesIsCaughtOnFree(int size, int alignment)
    {
        using var allocator = Guarded();
        for (int overrun = 1; overrun <= 16; overrun++)
        {
            nint block = allocator.Allocate(size, alignment); int line = CurrentLine();
            Assert.Equal(0, block % Math.Max(alignment, 16));
            new Span<byte>((void*)block, size).Fill(0x5A);   // writing the whole block is fine
            Damage(block + size, overrun);                    // ...one byte more is not

            var error = Assert.Throws<AllocatorMisuseException>(() => allocator.DeAllocate(block));
            Assert.Equal(MisuseKind.Overrun, error.Kind);
            Assert.Equal($"{ThisFile()}:{line}", error.AllocationSite);
            Assert.Contains("offset 0 past the end", error.Message);
            Assert.Contains(allocator.Name, error.Message);

            Repair(allocator, block, size, overrun);
        }
        Assert.Equal(0, allocator.Records.LiveAllocations);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AnOverrunThatSkipsBytesIsCaughtAtTheFirstDamagedOne(int size, int alignment)
    {
        using var allocator = Guarded();
        nint block = allocator.Allocate(size, alignment);
        Damage(block + size + 15, 1);  // only the last guard byte

        var violation = Assert.Single(allocator.FindGuardViolations());
        Assert.Equal(MisuseKind.Overrun, violation.Kind);
        Assert.Equal(15, violation.Distance);
        Repair(allocator, block, size, 0, backOffset: 15, backLength: 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(16)]
    public void UnderrunsAreCaughtToo(int bytesBefore)
    {
        using var allocator = Guarded();
        nint block = allocator.Allocate(24);
        byte* before = (byte*)block - bytesBefore;
        byte original = *before;
        *before = (byte)~original;

        var error = Assert.Throws<AllocatorMisuseException>(() => allocator.DeAllocate(block));
        Assert.Equal(MisuseKind.Underrun, error.Kind);
        Assert.Contains($"guard byte {bytesBefore} before the start", error.Message);

        *before = original;
        allocator.DeAllocate(block);
    }

    [Fact]
    public void VerifyGuardsChecksEveryLiveBlockOnDemand()
    {
        using var allocator = Guarded();
        var blocks = Enumerable.Range(1, 10).Select(i => allocator.Allocate(i * 10)).ToArray();
        allocator.VerifyGuards();
        Assert.Empty(allocator.FindGuardViolations());

        Damage(blocks[3] + 40, 1);
        Damage(blocks[7] + 80, 3);
        var error = Assert.Throws<AllocatorMisuseException>(allocator.VerifyGuards);
        Assert.Equal(blocks[3], error.Pointer);
        Assert.Contains("1 more damaged block", error.Message);
        Assert.Equal([blocks[3], blocks[7]], allocator.FindGuardViolations().Select(v => v.Address));

        Repair(allocator, blocks[3], 40, 1);
        Repair(allocator, blocks[7], 80, 3);
        foreach (var block in blocks.Where((_, i) => i != 3 && i != 7))
            allocator.DeAllocate(block);
    }

    [Fact]
    public void AGuardedBlockReportsItsRequestedSizeAndCountsIt()
    {
        using var allocator = Guarded();
        nint block = allocator.Allocate(13);
        Assert.Equal(13, allocator.AllocationSize(block));
        Assert.Equal(13, allocator.Records.AllocatedBytes);
        allocator.DeAllocate(block);
        Assert.Equal(0, allocator.Records.AllocatedBytes);
    }

    [Fact]
    public void ReallocationKeepsTheContentsAndGuardsTheNewBlock()
    {
        using var allocator = Guarded();
        nint block = allocator.Allocate(20);
        new Span<byte>((void*)block, 20).Fill(0x42);
        nint moved = allocator.ReAllocate(block, 200);

        Assert.True(new ReadOnlySpan<byte>((void*)moved, 20).IndexOfAnyExcept((byte)0x42) < 0);
        Assert.Equal(200, allocator.AllocationSize(moved));
        Damage(moved + 200, 1);
        Assert.Equal(MisuseKind.Overrun, Assert.Throws<AllocatorMisuseException>(() => allocator.DeAllocate(moved)).Kind);
        Repair(allocator, moved, 200, 1);
    }

    [Fact]
    public void GuardedBlocksStayGuardedWhenDetectionIsTurnedOffAndTrackingDropped()
    {
        using var allocator = Guarded();
        nint guarded = allocator.Allocate(32);
        allocator.OverrunDetection = OverrunDetection.None;
        allocator.Records.Mode = TrackingMode.None;

        // The guarded block keeps its record (its free needs the layout); new blocks are plain.
        Assert.Equal(1, allocator.Records.RecordCount);
        nint plain = allocator.Allocate(32);
        Assert.Equal(1, allocator.Records.RecordCount);
        Damage(guarded + 32, 1);
        Assert.Throws<AllocatorMisuseException>(() => allocator.DeAllocate(guarded));
        Repair(allocator, guarded, 32, 1);
        allocator.DeAllocate(plain);
        Assert.Equal(0, allocator.Records.RecordCount);
    }

    private static ThreadSafeTestAllocator Guarded([CallerMemberName] string test = "")
    {
        var allocator = new ThreadSafeTestAllocator(TrackingMode.Counters, test) { OverrunDetection = OverrunDetection.GuardBytes };
        Assert.Equal(TrackingMode.Records, allocator.Records.Mode);
        return allocator;
    }

    /// <summary>Flips bytes, so whatever the random pattern is, they no longer match it.</summary>
    private static void Damage(nint start, int length)
    {
        for (int i = 0; i < length; i++)
            ((byte*)start)[i] = (byte)~((byte*)start)[i];
    }

    /// <summary>Flips the damaged bytes back and frees the block, which must then succeed.</summary>
    private static void Repair(AllocatorBase allocator, nint block, nint size, int overrun, int backOffset = 0, int backLength = -1)
    {
        if (backLength < 0)
            Damage(block + size, overrun);
        else
            Damage(block + size + backOffset, backLength);
        allocator.DeAllocate(block);
    }

    private static int CurrentLine([CallerLineNumber] int line = 0) => line;

    private static string ThisFile([CallerFilePath] string file = "") => file;
}
