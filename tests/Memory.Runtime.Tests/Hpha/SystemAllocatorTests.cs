using Memory.Schemas;

namespace Memory.Runtime.Tests.Hpha;

/// <summary>The allocator around the schema: identity, the shared instance, registration and disposal.</summary>
public sealed class SystemAllocatorTests
{
    [Fact]
    public void Type_information_is_stable()
    {
        Assert.Equal(new Guid("7B1E5C3D-2A94-4F6B-8E0D-5C9A3B71F248"), SystemAllocator.TypeId);
        Assert.Equal("Memory.SystemAllocator", SystemAllocator.TypeName);
        Assert.True(HphaSchema.IsThreadSafe);
    }

    [Fact]
    public void The_instance_is_shared_and_usable_through_Az()
    {
        Assert.Same(SystemAllocator.Instance, AllocatorInstance<SystemAllocator>.Get());
        nint pointer = Az.Malloc<SystemAllocator>(100, 16);
        Assert.NotEqual(0, pointer);
        Assert.Equal(0, pointer % 16);
        pointer = Az.Realloc<SystemAllocator>(pointer, 5000);
        Assert.NotEqual(0, pointer);
        Az.Free<SystemAllocator>(pointer);
    }

    [Fact]
    public void An_instance_registers_until_disposed_and_returns_free_memory_then()
    {
        var allocator = new SystemAllocator();
        Assert.Contains(allocator, AllocatorManager.Allocators);
        nint pointer = allocator.Allocate(3000);
        allocator.DeAllocate(pointer);
        Assert.True(allocator.ReservedBytes > 0, "the chunk is kept for reuse until collected");

        allocator.Dispose();
        Assert.DoesNotContain(allocator, AllocatorManager.Allocators);
        Assert.Equal(0, allocator.ReservedBytes);
    }

    [Fact]
    public void Blocks_live_at_disposal_stay_valid()
    {
        var allocator = new SystemAllocator();
        nint pointer = allocator.Allocate(64);
        allocator.Dispose();
        unsafe
        {
            *(long*)pointer = 42;
            Assert.Equal(42, *(long*)pointer);
        }
        allocator.DeAllocate(pointer);
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }
}
