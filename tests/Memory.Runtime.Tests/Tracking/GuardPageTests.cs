using Memory.Diagnostics;
using Memory.Runtime.Tests.Tracking.Probe;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Tracking;

public sealed unsafe class GuardPageTests
{
    [Fact]
    public void AManagedWriteOneBytePastTheEndKillsTheProcessOnTheSpot()
    {
        var result = ChildProcess.Run(ProbeProgram.GuardPageManagedOverrun);

        // The runtime turns a fault in managed code into a fatal AccessViolationException: SIGABRT on Unix.
        Assert.Contains(ProbeProgram.InsideWritten, result.Output);
        Assert.DoesNotContain("did not fault", result.Output);
        Assert.True(result.ExitCode is ChildProcess.AbortExitCode or ChildProcess.SegmentationFaultExitCode
            or ChildProcess.AccessViolationExitCode, result.ToString());
        if (result.ExitCode == ChildProcess.AbortExitCode)
            Assert.Contains("AccessViolationException", result.Error);
    }

    [Fact]
    public void ANativeWriteOneBytePastTheEndDiesOfSegmentationFault()
    {
        var result = ChildProcess.Run(ProbeProgram.GuardPageNativeOverrun);

        Assert.Contains(ProbeProgram.InsideWritten, result.Output);
        int expected = OperatingSystem.IsWindows() ? ChildProcess.AccessViolationExitCode : ChildProcess.SegmentationFaultExitCode;
        Assert.True(result.ExitCode == expected, result.ToString());
    }

    [Fact]
    public void TheLastByteOfTheBlockIsWritable()
    {
        var result = ChildProcess.Run(ProbeProgram.GuardPageLastByte);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(ProbeProgram.InsideWritten, result.Output);
    }

    [Theory]
    [InlineData(4000, 0)]
    [InlineData(64, 64)]
    [InlineData(1, 1)]
    [InlineData(100, 8192)]
    public void ABlockEndsAgainstItsGuardPage(int size, int alignment)
    {
        using var allocator = GuardPaged();
        nint block = allocator.Allocate(size, alignment);
        nint align = alignment == 0 ? 16 : alignment;
        nint end = block + ((size + align - 1) & ~(align - 1));

        Assert.Equal(0, block % align);
        Assert.Equal(0, end % System.Environment.SystemPageSize);  // the next byte is the guard page's first
        Assert.Equal(size, allocator.AllocationSize(block));
        Assert.True(allocator.ReservedBytes >= 2 * System.Environment.SystemPageSize);
        new Span<byte>((void*)block, size).Fill(7);
        allocator.DeAllocate(block);
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Fact]
    public void AnOverrunIntoTheAlignmentSlackIsCaughtOnFree()
    {
        using var allocator = GuardPaged();
        nint block = allocator.Allocate(100);  // 12 bytes of slack up to 112, then the guard page
        byte* past = (byte*)block + 100;
        byte original = *past;
        *past = (byte)~original;

        var error = Assert.Throws<AllocatorMisuseException>(() => allocator.DeAllocate(block));
        Assert.Equal(MisuseKind.Overrun, error.Kind);
        *past = original;
        allocator.DeAllocate(block);
    }

    [Fact]
    public void GuardPageBlocksReallocateAndFree()
    {
        using var allocator = GuardPaged();
        nint block = allocator.Allocate(10);
        new Span<byte>((void*)block, 10).Fill(3);
        nint moved = allocator.ReAllocate(block, 5000);
        Assert.True(new ReadOnlySpan<byte>((void*)moved, 10).IndexOfAnyExcept((byte)3) < 0);
        Assert.Equal(5000, allocator.AllocationSize(moved));
        allocator.DeAllocate(moved);
        Assert.Equal(0, allocator.Records.LiveAllocations);
    }

    private static ThreadSafeTestAllocator GuardPaged()
        => new(TrackingMode.Records) { OverrunDetection = OverrunDetection.GuardPage };
}
