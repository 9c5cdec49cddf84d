using Memory.Tracking;

namespace Memory.Runtime.Tests.Containers;

/// <summary>Passes every call to an inner allocator and remembers which calls were made, with what alignment.</summary>
internal sealed class SpyAllocator(IAllocator inner) : IAllocator
{
    public int Allocations { get; private set; }

    public int ReAllocations { get; private set; }

    public int DeAllocations { get; private set; }

    public List<nint> Alignments { get; } = [];

    public List<nint> FreedSizes { get; } = [];

    public string Name => "Spy(" + inner.Name + ")";

    public string Description => inner.Description;

    public long NumAllocatedBytes => inner.NumAllocatedBytes;

    public long Capacity => inner.Capacity;

    public AllocationRecords Records => inner.Records;

    public nint Allocate(nint size, nint alignment = 0, string? name = null, string? file = null, int line = 0)
    {
        Allocations++;
        Alignments.Add(alignment);
        return inner.Allocate(size, alignment, name, file, line);
    }

    public nint ReAllocate(nint pointer, nint newSize, nint newAlignment = 0)
    {
        ReAllocations++;
        Alignments.Add(newAlignment);
        return inner.ReAllocate(pointer, newSize, newAlignment);
    }

    public void DeAllocate(nint pointer, nint size = 0, nint alignment = 0)
    {
        DeAllocations++;
        FreedSizes.Add(size);
        inner.DeAllocate(pointer, size, alignment);
    }

    public nint AllocationSize(nint pointer) => inner.AllocationSize(pointer);

    public void GarbageCollect() => inner.GarbageCollect();
}
