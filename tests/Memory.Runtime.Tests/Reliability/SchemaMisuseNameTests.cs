using Memory.Diagnostics;

namespace Memory.Runtime.Tests.Reliability;

/// <summary>
/// Item 4 of the reliability work: misuse a schema finds on its own is reported under the allocator's name and with
/// its kind. Before, it carried the schema's name ("BestFitExternalSchema", "HeapSchema") and Kind = Other.
/// </summary>
public sealed class SchemaMisuseNameTests
{
    [Fact]
    public void A_best_fit_double_free_names_the_allocator_and_is_a_DoubleFree()
    {
        string name = $"External.{Guid.NewGuid():N}";
        using var external = new BestFitExternalAllocator(name, 0x100000, 4096);
        nint block = external.Allocate(256);
        external.DeAllocate(block);

        var misuse = Assert.Throws<AllocatorMisuseException>(() => external.DeAllocate(block));
        Assert.Equal(name, misuse.AllocatorName);
        Assert.Equal(MisuseKind.DoubleFree, misuse.Kind);

        var foreign = Assert.Throws<AllocatorMisuseException>(() => external.DeAllocate(0x100000 + 100_000));
        Assert.Equal(name, foreign.AllocatorName);
        Assert.Equal(MisuseKind.ForeignPointer, foreign.Kind);
    }

    [Fact]
    public void A_heap_block_of_another_heap_names_the_allocator_and_is_a_ForeignPointer()
    {
        string name = $"Heap.{Guid.NewGuid():N}";
        using var heap = new NamedHeapAllocator(name);
        using var other = new NamedHeapAllocator(name + ".Other");
        nint block = other.Allocate(64);

        var misuse = Assert.Throws<AllocatorMisuseException>(() => heap.DeAllocate(block));
        Assert.Equal(name, misuse.AllocatorName);
        Assert.Equal(MisuseKind.ForeignPointer, misuse.Kind);
        other.DeAllocate(block);
    }
}
