using System.Runtime.InteropServices;
using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Core;

public sealed class OSAllocatorTests
{
    [Fact]
    public void Allocate_ReturnsWritableBlockOfAtLeastTheRequestedSize()
    {
        using var allocator = new OSAllocator();
        nint block = allocator.Allocate(1000);

        Assert.NotEqual(0, block);
        Assert.Equal(1000, allocator.AllocationSize(block));
        Marshal.Copy(new byte[1000], 0, block, 1000);
        Assert.Equal(1000, allocator.NumAllocatedBytes);

        allocator.DeAllocate(block);
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }

    [Fact]
    public void EveryPowerOfTwoAlignmentUpTo4096_IsHonoured()
    {
        using var allocator = new OSAllocator();
        for (nint alignment = 1; alignment <= 4096; alignment *= 2)
        {
            foreach (nint size in new nint[] { 0, 1, 7, 64, 1000, 5000 })
            {
                nint block = allocator.Allocate(size, alignment);
                Assert.NotEqual(0, block);
                Assert.Equal(0, block % alignment);
                Assert.Equal(size, allocator.AllocationSize(block));
                allocator.DeAllocate(block, size, alignment);
            }
        }
        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.Records.LiveAllocations);
    }

    [Fact]
    public void ZeroSize_ReturnsUniqueFreeableBlocks()
    {
        using var allocator = new OSAllocator();
        nint first = allocator.Allocate(0);
        nint second = allocator.Allocate(0);

        Assert.NotEqual(0, first);
        Assert.NotEqual(first, second);
        Assert.Equal(2, allocator.Records.LiveAllocations);
        allocator.DeAllocate(first);
        allocator.DeAllocate(second);
        Assert.Equal(0, allocator.Records.LiveAllocations);
    }

    [Fact]
    public void HugeRequests_ReturnNull()
    {
        using var allocator = new OSAllocator();
        Assert.Equal(0, allocator.Allocate(nint.MaxValue));
        Assert.Equal(0, allocator.Allocate(nint.MaxValue - 8, 4096));
        Assert.Equal(0, allocator.Allocate((nint)1 << 50));
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(24)]
    [InlineData(-8)]
    public void AlignmentThatIsNotAPowerOfTwo_Throws(int alignment)
    {
        using var allocator = new OSAllocator();
        var error = Assert.Throws<ArgumentException>(() => allocator.Allocate(16, alignment));
        Assert.Contains("power of two", error.Message);
        Assert.Throws<ArgumentException>(() => allocator.ReAllocate(0, 16, alignment));
    }

    [Fact]
    public void NegativeSize_Throws()
    {
        using var allocator = new OSAllocator();
        Assert.Throws<ArgumentOutOfRangeException>(() => allocator.Allocate(-1));
    }

    [Fact]
    public void FreeOfNull_IsANoOp()
    {
        using var allocator = new OSAllocator { IsChecked = true };
        allocator.DeAllocate(0);
        Assert.Equal(0, allocator.Records.LiveAllocations);
    }

    [Fact]
    public void CheckedMode_FreeOfAForeignPointer_ThrowsNamingTheAllocator()
    {
        using var owner = new OSAllocator();
        using var other = new OSAllocator { IsChecked = true };
        nint block = owner.Allocate(64);

        var error = Assert.Throws<AllocatorMisuseException>(() => other.DeAllocate(block));
        Assert.Equal(other.Name, error.AllocatorName);
        Assert.Equal(block, error.Pointer);

        owner.DeAllocate(block);
        Assert.Equal(0, owner.NumAllocatedBytes);
    }

    [Fact]
    public void CheckedMode_DoubleFree_Throws()
    {
        using var allocator = new OSAllocator { IsChecked = true };
        nint block = allocator.Allocate(64);
        allocator.DeAllocate(block);

        Assert.Throws<AllocatorMisuseException>(() => allocator.DeAllocate(block));
    }

    [Fact]
    public unsafe void ReAllocate_KeepsContentsAcrossGrowShrinkAndRealignment()
    {
        using var allocator = new OSAllocator();
        nint block = allocator.Allocate(64);
        for (int i = 0; i < 64; i++)
            ((byte*)block)[i] = (byte)i;

        block = allocator.ReAllocate(block, 4096);
        block = allocator.ReAllocate(block, 128, 256);
        Assert.Equal(0, block % 256);
        block = allocator.ReAllocate(block, 32);

        for (int i = 0; i < 32; i++)
            Assert.Equal((byte)i, ((byte*)block)[i]);
        Assert.Equal(32, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.ReAllocate(block, 0));
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }

    [Fact]
    public void Counters_AreExactUnderConcurrency()
    {
        using var allocator = new OSAllocator();
        const int Threads = 8;
        const int PerThread = 20_000;

        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            var random = new Random(t);
            var live = new List<nint>();
            for (int i = 0; i < PerThread; i++)
            {
                if (live.Count > 0 && random.Next(3) == 0)
                {
                    int index = random.Next(live.Count);
                    allocator.DeAllocate(live[index]);
                    live[index] = live[^1];
                    live.RemoveAt(live.Count - 1);
                }
                else
                {
                    live.Add(allocator.Allocate(random.Next(1, 257)));
                }
            }
            foreach (nint block in live)
                allocator.DeAllocate(block);
        });

        Assert.Equal(0, allocator.NumAllocatedBytes);
        Assert.Equal(0, allocator.Records.LiveAllocations);
        Assert.True(allocator.Records.PeakBytes > 0);
    }

    [Fact]
    public void TrackingModeNone_FallsBackToTheSchemaAndKeepsNoRecords()
    {
        using var allocator = new OSAllocator();
        allocator.Records.Mode = TrackingMode.None;
        nint block = allocator.Allocate(100);

        Assert.Equal(0, allocator.Records.LiveAllocations);
        Assert.Equal(new OSSchema().NumAllocatedBytes, allocator.NumAllocatedBytes);
        allocator.DeAllocate(block);
    }
}
