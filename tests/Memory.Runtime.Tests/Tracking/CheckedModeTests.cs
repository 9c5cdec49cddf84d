using System.Runtime.CompilerServices;
using Memory.Diagnostics;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Tracking;

public sealed unsafe class CheckedModeTests
{
    [Fact]
    public void TurningCheckedModeOnRaisesTrackingToRecords()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Counters) { IsChecked = true };
        Assert.Equal(TrackingMode.Records, allocator.Records.Mode);
    }

    [Fact]
    public void FreshBlocksAreFilledWithTheFreshPattern()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Records) { IsChecked = true };
        nint block = allocator.Allocate(77);
        Assert.True(new ReadOnlySpan<byte>((void*)block, 77).IndexOfAnyExcept(FillPatterns.Fresh) < 0);
        allocator.DeAllocate(block);
    }

    [Fact]
    public void FreedBlocksAreFilledWithTheFreedPattern()
    {
        using var allocator = new QuarantineTestAllocator(TrackingMode.Records) { IsChecked = true };
        nint block = allocator.Allocate(50);
        new Span<byte>((void*)block, 50).Fill(0x11);
        allocator.DeAllocate(block);

        Assert.Equal(1, allocator.Quarantined);  // still readable: the schema kept it
        Assert.True(new ReadOnlySpan<byte>((void*)block, 50).IndexOfAnyExcept(FillPatterns.Freed) < 0);
    }

    [Fact]
    public void ADoubleFreeIsReportedWithTheBlocksCallSite()
    {
        using var allocator = new QuarantineTestAllocator(TrackingMode.Records) { IsChecked = true };
        nint block = allocator.Allocate(40); int line = CurrentLine();
        allocator.DeAllocate(block);

        var error = Assert.Throws<AllocatorMisuseException>(() => allocator.DeAllocate(block));
        Assert.Equal(MisuseKind.DoubleFree, error.Kind);
        Assert.Equal(allocator.Name, error.AllocatorName);
        Assert.Equal(block, error.Pointer);
        Assert.Equal($"{ThisFile()}:{line}", error.AllocationSite);
        Assert.Contains(allocator.Name, error.Message);
        Assert.Contains($"{ThisFile()}:{line}", error.Message);
        Assert.Contains("already freed", error.Message);
        Assert.Equal(1, allocator.Quarantined);  // the schema never saw the second free
        Assert.Equal(0, allocator.Records.LiveAllocations);
    }

    [Fact]
    public void AForeignPointerIsRefusedAndTheAllocatorIsUnharmed()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Records) { IsChecked = true };
        using var untracked = new ThreadSafeTestAllocator(TrackingMode.None);
        nint mine = allocator.Allocate(32);
        nint foreign = untracked.Allocate(32);

        var error = Assert.Throws<AllocatorMisuseException>(() => allocator.DeAllocate(foreign));
        Assert.Equal(MisuseKind.ForeignPointer, error.Kind);
        Assert.Contains(allocator.Name, error.Message);
        Assert.Null(error.AllocationSite);
        Assert.Throws<AllocatorMisuseException>(() => allocator.AllocationSize(foreign));
        Assert.Throws<AllocatorMisuseException>(() => allocator.ReAllocate(foreign, 64));

        Assert.Equal(1, allocator.Records.LiveAllocations);
        Assert.Equal(32, allocator.AllocationSize(mine));
        allocator.DeAllocate(mine);
        untracked.DeAllocate(foreign);
        Assert.Equal(0, allocator.Records.LiveAllocations);
    }

    [Fact]
    public void ABlockFreedThroughTheWrongAllocatorNamesItsOwner()
    {
        using var owner = new ThreadSafeTestAllocator(TrackingMode.Records);
        using var other = new ThreadSafeTestAllocator(TrackingMode.Records) { IsChecked = true };
        nint block = owner.Allocate(64, name: "owned"); int line = CurrentLine();

        var error = Assert.Throws<AllocatorMisuseException>(() => other.DeAllocate(block));
        Assert.Equal(MisuseKind.WrongAllocator, error.Kind);
        Assert.Equal(owner.Name, error.OwnerName);
        Assert.Equal($"{ThisFile()}:{line}", error.AllocationSite);
        Assert.Contains($"belongs to allocator '{owner.Name}'", error.Message);

        // Nothing moved: the owner still has it and frees it.
        Assert.True(owner.Records.Contains(block));
        owner.DeAllocate(block);
    }

    [Fact]
    public void ASizeMismatchOnFreeIsRefusedAndTheBlockStaysLive()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Records) { IsChecked = true };
        nint block = allocator.Allocate(100); int line = CurrentLine();

        var error = Assert.Throws<AllocatorMisuseException>(() => allocator.DeAllocate(block, size: 64));
        Assert.Equal(MisuseKind.SizeMismatch, error.Kind);
        Assert.Equal($"{ThisFile()}:{line}", error.AllocationSite);
        Assert.Contains("size 64 of a block of 100 bytes", error.Message);

        Assert.True(allocator.Records.Contains(block));
        Assert.Equal(100, allocator.Records.AllocatedBytes);
        allocator.DeAllocate(block, size: 100);
        Assert.Equal(0, allocator.Records.LiveAllocations);
    }

    [Fact]
    public void AnAlignmentMismatchOnFreeIsRefusedAndTheBlockStaysLive()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Records) { IsChecked = true };
        nint aligned = allocator.Allocate(100, alignment: 64); int line = CurrentLine();
        nint plain = allocator.Allocate(100);

        var error = Assert.Throws<AllocatorMisuseException>(() => allocator.DeAllocate(aligned, 100, alignment: 32));
        Assert.Equal(MisuseKind.AlignmentMismatch, error.Kind);
        Assert.Equal($"{ThisFile()}:{line}", error.AllocationSite);
        Assert.Contains("alignment 32 of a block allocated with alignment 64", error.Message);
        var second = Assert.Throws<AllocatorMisuseException>(() => allocator.DeAllocate(plain, 100, alignment: 64));
        Assert.Contains("the default alignment", second.Message);

        Assert.Equal(2, allocator.Records.LiveAllocations);
        allocator.DeAllocate(aligned, 100, 64);
        allocator.DeAllocate(plain, 100);
        Assert.Equal(0, allocator.Records.LiveAllocations);
    }

    [Fact]
    public void AReallocatedBlockIsCheckedUnderItsNewAddress()
    {
        using var allocator = new QuarantineTestAllocator(TrackingMode.Records) { IsChecked = true };
        nint block = allocator.Allocate(8);
        *(long*)block = 0x1122334455667788;
        nint moved = allocator.ReAllocate(block, 64);

        Assert.Equal(0x1122334455667788, *(long*)moved);
        Assert.Equal(FillPatterns.Fresh, *(byte*)(moved + 8));  // the grown part is fresh
        Assert.Equal(MisuseKind.DoubleFree, Assert.Throws<AllocatorMisuseException>(() => allocator.DeAllocate(block)).Kind);
        allocator.DeAllocate(moved);
    }

    [Fact]
    public void AnAddressHandedOutAgainIsNotMistakenForADoubleFree()
    {
        using var allocator = new ThreadSafeTestAllocator(TrackingMode.Records) { IsChecked = true };
        // The C heap hands the same address back for the same size most of the time; whenever it does,
        // freeing the new block must work.
        for (int i = 0; i < 100; i++)
            allocator.DeAllocate(allocator.Allocate(48));
        Assert.Equal(0, allocator.Records.LiveAllocations);
    }

    private static int CurrentLine([CallerLineNumber] int line = 0) => line;

    private static string ThisFile([CallerFilePath] string file = "") => file;
}
