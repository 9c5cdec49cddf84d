using Memory.Diagnostics;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Reliability;

// Freeing a block through the wrong allocator is what these tests do on purpose.
#pragma warning disable MEM0007

/// <summary>
/// The bookkeeping between a child allocator and its parent (items 2, 3, 5, 7 and 8 of the reliability work): the
/// parent records the blocks it draws for a child as the child's, makes the child's guards, and the child's counts
/// change only once the parent has taken a block back.
/// </summary>
public sealed class ChildParentTests : IDisposable
{
    private readonly NamedSystemAllocator _parent;
    private readonly SystemChildAllocator _child;

    public ChildParentTests()
    {
        string tag = Guid.NewGuid().ToString("N");
        _parent = new NamedSystemAllocator($"Parent.{tag}");
        _child = new SystemChildAllocator($"Child.{tag}", _parent);
    }

    public void Dispose()
    {
        _child.Dispose();
        _parent.Dispose();
    }

    [Fact]
    public void A_childs_block_freed_through_its_checked_parent_is_refused_naming_the_child()
    {
        _parent.IsChecked = true;
        _child.IsChecked = true;
        nint block = _child.Allocate(64);

        var misuse = Assert.Throws<AllocatorMisuseException>(() => _parent.DeAllocate(block));
        Assert.Equal(MisuseKind.WrongAllocator, misuse.Kind);
        Assert.Equal(_parent.Name, misuse.AllocatorName);
        Assert.Equal(_child.Name, misuse.OwnerName);
        Assert.Equal(1, _child.Records.LiveAllocations);
        Assert.Equal(1, _parent.Records.LiveAllocations);

        _child.DeAllocate(block);
        Assert.Equal(0, _child.Records.LiveAllocations);
        Assert.Equal(0, _parent.Records.LiveAllocations);
        AssertParentStillServes64ByteBlocks();
    }

    [Fact]
    public void A_childs_block_freed_through_an_unchecked_parent_then_by_the_child_is_a_double_free_that_changes_nothing()
    {
        // Before: the child's count went 1 -> 0, the freed block got the 0xDD fill over the parent's free-list link,
        // and the parent's next 64-byte allocations threw NullReferenceException, then hung on a bucket lock.
        _child.IsChecked = true;
        nint keep = _child.Allocate(64);
        nint block = _child.Allocate(64);
        _parent.DeAllocate(block);

        var misuse = Assert.Throws<AllocatorMisuseException>(() => _child.DeAllocate(block));
        Assert.Equal(MisuseKind.DoubleFree, misuse.Kind);
        Assert.Equal(_child.Name, misuse.AllocatorName);
        Assert.Equal(2, _child.Records.LiveAllocations);
        Assert.True(_child.Records.Contains(block));

        AssertParentStillServes64ByteBlocks();
        _child.DeAllocate(keep);
    }

    [Fact]
    public void WrongAllocator_names_the_child_as_owner_of_its_block()
    {
        _parent.IsChecked = true;
        _child.IsChecked = true;
        using var other = new NamedSystemAllocator($"Other.{Guid.NewGuid():N}") { IsChecked = true };
        nint block = _child.Allocate(100);

        var misuse = Assert.Throws<AllocatorMisuseException>(() => other.DeAllocate(block));
        Assert.Equal(MisuseKind.WrongAllocator, misuse.Kind);
        Assert.Equal(_child.Name, misuse.OwnerName);
        _child.DeAllocate(block);
    }

    [Fact]
    public void A_failed_child_allocation_runs_the_out_of_memory_handling_once()
    {
        // Before: three notifications (the parent's, then the child's, which made the parent run its own again).
        int notifications = 0;
        void Listener(OutOfMemoryEvent e)
        {
            if (e.Allocator == _parent || e.Allocator == _child)
                Interlocked.Increment(ref notifications);
        }
        AllocatorManager.AddOutOfMemoryListener(Listener);
        try
        {
            Assert.Equal(0, _child.Allocate((nint)(Memory.Schemas.HphaSchema.MaxAllocationSize + 1)));
        }
        finally
        {
            AllocatorManager.RemoveOutOfMemoryListener(Listener);
        }
        Assert.Equal(1, notifications);
    }

    [Fact]
    public void A_free_the_parent_refuses_for_a_damaged_guard_leaves_the_childs_counts_alone()
    {
        _child.OverrunDetection = OverrunDetection.GuardBytes;
        nint block = _child.Allocate(40);
        long childBytes = _child.Records.AllocatedBytes;
        long parentBytes = _parent.Records.AllocatedBytes;
        byte guard;
        unsafe
        {
            guard = ((byte*)block)[40];
            ((byte*)block)[40] = (byte)~guard;
        }

        var misuse = Assert.Throws<AllocatorMisuseException>(() => _child.DeAllocate(block));
        Assert.Equal(MisuseKind.Overrun, misuse.Kind);
        Assert.Equal(_child.Name, misuse.AllocatorName);
        Assert.Equal(childBytes, _child.Records.AllocatedBytes);
        Assert.Equal(1, _child.Records.LiveAllocations);
        Assert.Equal(parentBytes, _parent.Records.AllocatedBytes);
        Assert.Equal(childBytes, _child.NumAllocatedBytes);

        unsafe { ((byte*)block)[40] = guard; }
        _child.DeAllocate(block);
        Assert.Equal(0, _child.Records.LiveAllocations);
        Assert.Equal(0, _child.NumAllocatedBytes);
        Assert.Equal(0, _parent.NumAllocatedBytes);
    }

    [Fact]
    public void A_childs_guard_page_blocks_are_in_its_parents_totals()
    {
        _child.OverrunDetection = OverrunDetection.GuardPage;
        long reservedBefore = _parent.ReservedBytes;
        nint block = _child.Allocate(1000);

        Assert.Equal(_child.NumAllocatedBytes, _parent.NumAllocatedBytes);
        Assert.True(_parent.NumAllocatedBytes >= 1000);
        Assert.True(_parent.ReservedBytes > reservedBefore, "the guard page's mapping is the parent's");
        Assert.Equal(1, _parent.Records.LiveAllocations);

        _child.DeAllocate(block);
        Assert.Equal(0, _parent.NumAllocatedBytes);
        Assert.Equal(0, _child.NumAllocatedBytes);
        Assert.Equal(reservedBefore, _parent.ReservedBytes);
    }

    [Fact]
    public void A_childs_damaged_guard_is_found_by_the_childs_own_verification()
    {
        _child.OverrunDetection = OverrunDetection.GuardBytes;
        nint intact = _child.Allocate(24);
        nint damaged = _child.Allocate(40);
        Assert.Empty(_child.FindGuardViolations());
        unsafe { ((byte*)damaged)[40] ^= 0xFF; }

        var found = Assert.Single(_child.FindGuardViolations());
        Assert.Equal(damaged, found.Address);
        Assert.Equal(damaged, Assert.Single(_parent.FindGuardViolations()).Address);
        var misuse = Assert.Throws<AllocatorMisuseException>(_child.VerifyGuards);
        Assert.Equal(_child.Name, misuse.AllocatorName);

        unsafe { ((byte*)damaged)[40] ^= 0xFF; }
        _child.VerifyGuards();
        _child.DeAllocate(intact);
        _child.DeAllocate(damaged);
    }

    [Theory]
    [InlineData(OverrunDetection.GuardBytes)]
    [InlineData(OverrunDetection.GuardPage)]
    public void A_grandchilds_guards_reach_the_end_of_its_chain(OverrunDetection overrun)
    {
        // The middle allocator has no guards of its own: the grandchild's setting must pass through it.
        using var middle = new MiddleChildAllocator(_child.Name + ".Middle", _parent);
        using var grandchild = new GrandchildAllocator(_child.Name + ".Grandchild", middle);
        grandchild.OverrunDetection = overrun;
        long reservedBefore = _parent.ReservedBytes;

        nint block = grandchild.Allocate(40);
        Assert.Equal(1, _parent.Records.LiveAllocations);  // the root made the guards, so it records the block
        Assert.Equal(_parent.NumAllocatedBytes, middle.NumAllocatedBytes);
        Assert.Equal(_parent.NumAllocatedBytes, grandchild.NumAllocatedBytes);
        if (overrun == OverrunDetection.GuardPage)
            Assert.True(_parent.ReservedBytes > reservedBefore, "the guard page's mapping is the root's");

        if (overrun == OverrunDetection.GuardBytes)
        {
            unsafe { ((byte*)block)[40] ^= 0xFF; }
            Assert.Equal(block, Assert.Single(grandchild.FindGuardViolations()).Address);
            var misuse = Assert.Throws<AllocatorMisuseException>(() => grandchild.DeAllocate(block));
            Assert.Equal(MisuseKind.Overrun, misuse.Kind);
            Assert.Equal(grandchild.Name, misuse.AllocatorName);
            Assert.Equal(1, grandchild.Records.LiveAllocations);
            unsafe { ((byte*)block)[40] ^= 0xFF; }
        }

        grandchild.DeAllocate(block);
        Assert.Equal(0, grandchild.NumAllocatedBytes);
        Assert.Equal(0, middle.NumAllocatedBytes);
        Assert.Equal(0, _parent.NumAllocatedBytes);
        if (overrun == OverrunDetection.GuardPage)
            Assert.Equal(reservedBefore, _parent.ReservedBytes);  // the mapping went back with the block
    }

    /// <summary>The parent's 64-byte bucket works: distinct blocks, in bounded time (a held bucket lock would hang here).</summary>
    private void AssertParentStillServes64ByteBlocks()
    {
        var work = Task.Run(() =>
        {
            var blocks = Enumerable.Range(0, 200).Select(_ => _parent.Allocate(64)).ToArray();
            Assert.Equal(blocks.Length, blocks.Distinct().Count());
            foreach (nint block in blocks)
                _parent.DeAllocate(block);
        });
        Assert.True(work.Wait(TimeSpan.FromSeconds(10)), "the parent's 64-byte allocations did not finish");
    }
}
