using Memory.Diagnostics;

namespace Memory.Runtime.Tests.Reliability;

/// <summary>
/// Double frees with default settings (counters, no checked mode): caught by each heap's freed-block key, reported
/// as <see cref="MisuseKind.DoubleFree"/> under the allocator's own name, and harmless: the allocator goes on handing
/// out distinct blocks and its counts stay exact. Before the key, System and Child hung and Pool, ThreadPool and
/// Heap handed the same block out twice.
/// </summary>
public sealed class DoubleFreeTests
{
    public static TheoryData<string, int> KindsAndSizes()
    {
        var data = new TheoryData<string, int>();
        foreach (string kind in ReliabilityAllocators.Kinds)
        {
            data.Add(kind, 8);
            data.Add(kind, 48);
            data.Add(kind, 500);
        }
        // Tree blocks of the HPHA heap, directly and under a child.
        data.Add("System", 2000);
        data.Add("Child", 2000);
        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndSizes))]
    public void A_double_free_throws_DoubleFree_with_the_allocators_name_and_corrupts_nothing(string kind, int size)
    {
        string name = $"DoubleFree.{kind}.{size}.{Guid.NewGuid():N}";
        var (allocator, parent) = ReliabilityAllocators.Create(kind, name);
        try
        {
            nint keep = allocator.Allocate(size);
            nint block = allocator.Allocate(size);
            long liveBefore = allocator.NumAllocatedBytes;
            allocator.DeAllocate(block);
            long liveAfterFree = allocator.NumAllocatedBytes;

            var misuse = Assert.Throws<AllocatorMisuseException>(() => allocator.DeAllocate(block));
            Assert.Equal(MisuseKind.DoubleFree, misuse.Kind);
            Assert.Equal(name, misuse.AllocatorName);
            Assert.Equal(liveAfterFree, allocator.NumAllocatedBytes);
            Assert.True(liveAfterFree < liveBefore);

            // The freed block is handed out once, never twice: every block of a batch is distinct and writable.
            var blocks = Enumerable.Range(0, 64).Select(_ => allocator.Allocate(size)).ToArray();
            Assert.Equal(blocks.Length, blocks.Distinct().Count());
            Assert.DoesNotContain(keep, blocks);
            foreach (nint fresh in blocks)
                unsafe { new Span<byte>((void*)fresh, size).Fill(0x5A); }
            foreach (nint fresh in blocks)
                allocator.DeAllocate(fresh);
            allocator.DeAllocate(keep);
            Assert.Equal(0, allocator.NumAllocatedBytes);
        }
        finally
        {
            allocator.Dispose();
            parent?.Dispose();
        }
    }

    [Theory]
    [InlineData("Pool")]
    [InlineData("ThreadPool")]
    [InlineData("Heap")]
    [InlineData("System")]
    public void A_reallocation_of_a_freed_block_throws_DoubleFree(string kind)
    {
        string name = $"ReallocFreed.{kind}.{Guid.NewGuid():N}";
        var (allocator, parent) = ReliabilityAllocators.Create(kind, name);
        try
        {
            nint block = allocator.Allocate(32);
            allocator.DeAllocate(block);
            var misuse = Assert.Throws<AllocatorMisuseException>(() => allocator.ReAllocate(block, 400));
            Assert.Equal(MisuseKind.DoubleFree, misuse.Kind);
            Assert.Equal(0, allocator.NumAllocatedBytes);
        }
        finally
        {
            allocator.Dispose();
            parent?.Dispose();
        }
    }

    [Fact]
    public void A_live_block_whose_first_word_looks_like_a_freed_link_is_still_freed()
    {
        // A reallocation copies whatever a block holds; a live block holding a copy of a freed link is not refused.
        using var allocator = new NamedSystemAllocator($"LooksFreed.{Guid.NewGuid():N}");
        nint a = allocator.Allocate(24);
        nint b = allocator.Allocate(24);
        allocator.DeAllocate(a);
        unsafe { *(nint*)b = *(nint*)a; }
        allocator.DeAllocate(b);
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }
}
