using Memory;

namespace Memory.Diagnostics.Sample;

/// <summary>MEM0005: an allocator without [TypeId], so AllocatorInstance cannot share it.</summary>
public sealed class UntaggedAllocator : ChildAllocator<SystemAllocator>
{
}

/// <summary>MEM0006: a second system heap; a ChildAllocator&lt;SystemAllocator&gt; tags memory without one.</summary>
[TypeId("{5A0C4E61-8B7D-4F2A-9C3E-1D6B8A2F4E70}")]
public partial class LegacyAllocator : SystemAllocator
{
    public LegacyAllocator()
        : base("Legacy", "A heap of its own", Memory.Schemas.HphaOptions.Default)
    {
    }
}
