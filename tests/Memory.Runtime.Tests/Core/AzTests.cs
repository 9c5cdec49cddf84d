using Memory.Tracking;

namespace Memory.Runtime.Tests.Core;

public sealed class AzTests
{
    [Fact]
    public unsafe void MallocReallocFree_GoThroughTheSharedAllocatorAndRecordTheCallSite()
    {
        var allocator = OSAllocator.Instance;
        allocator.Records.Mode = TrackingMode.Records;
        try
        {
            nint block = Az.Malloc<OSAllocator>(48, 64, "az-test");
            int line = 14; // the line of the call above

            Assert.Equal(0, block % 64);
            Assert.True(allocator.Records.TryGet(block, out var record));
            Assert.Equal("az-test", record.Name);
            Assert.EndsWith("AzTests.cs", record.File);
            Assert.Equal(line, record.Line);

            ((byte*)block)[47] = 0xAB;
            block = Az.Realloc<OSAllocator>(block, 4096);
            Assert.Equal(0xAB, ((byte*)block)[47]);
            Az.Free<OSAllocator>(block);
            Assert.False(allocator.Records.Contains(block));
        }
        finally
        {
            allocator.Records.Mode = TrackingMode.Counters;
        }
    }

    [Fact]
    public unsafe void Calloc_ZeroesAndChecksOverflow()
    {
        nint block = Az.Calloc<OSAllocator>(100, 8);
        for (int i = 0; i < 800; i++)
            Assert.Equal(0, ((byte*)block)[i]);
        Az.Free<OSAllocator>(block);

        Assert.Throws<OverflowException>(() => Az.Calloc<OSAllocator>(nint.MaxValue / 2, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Az.Calloc<OSAllocator>(-1, 4));
    }
}
