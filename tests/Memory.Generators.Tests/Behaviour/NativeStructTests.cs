using System.Runtime.CompilerServices;
using Memory.Objects;
using Memory.Tracking;

namespace Memory.Generators.Tests.Behaviour;

/// <summary>Generated <c>Create</c>/<c>Destroy</c> of unmanaged structs against a real allocator.</summary>
[Collection(GeneratedAllocators.Name)]
public sealed class NativeStructTests
{
    private static GeneratorTestAllocator Allocator => GeneratorTestAllocator.Instance;

    [Fact]
    public void Create_raises_the_counts_by_the_usable_size_and_Destroy_brings_them_back()
    {
        long bytes = Allocator.NumAllocatedBytes;
        long live = Allocator.Records.LiveAllocations;

        NativeRef<Particle> particle = Particle.Create(1, 2, 3);

        // The allocator's usable size for sizeof(Particle) at Particle's alignment: exact for the C heap.
        Assert.Equal(Unsafe.SizeOf<Particle>(), Allocator.AllocationSize(particle.Address));
        Assert.Equal(bytes + Unsafe.SizeOf<Particle>(), Allocator.NumAllocatedBytes);
        Assert.Equal(live + 1, Allocator.Records.LiveAllocations);
        Assert.True(Allocator.Records.TryGet(particle.Address, out var record));
        Assert.Equal(TypeLayout<Particle>.Alignment, record.Alignment);
        Assert.Equal(8, TypeLayout<Particle>.Alignment);
        Assert.Equal(0, particle.Address % 8);

        Particle.Destroy(particle);

        Assert.Equal(bytes, Allocator.NumAllocatedBytes);
        Assert.Equal(live, Allocator.Records.LiveAllocations);
        Assert.False(Allocator.Records.Contains(particle.Address));
    }

    [Fact]
    public void The_value_is_constructed_in_place_and_written_through_the_handle()
    {
        NativeRef<Particle> particle = Particle.Create(1.5, 2.5, 3.5);
        try
        {
            Assert.Equal((1.5, 2.5, 3.5, 7), (particle.Value.X, particle.Value.Y, particle.Value.Z, particle.Value.Id));
            particle.Value.Id = 42;
            NativeRef<Particle> copy = particle;
            Assert.Equal(42, copy.Value.Id);
            Assert.Equal(particle, copy);
        }
        finally
        {
            Particle.Destroy(particle);
        }
    }

    [Fact]
    public void The_tracking_record_names_the_calling_line()
    {
        var (particle, line) = (Particle.Create(0, 0, 0), CallSite.Line());
        try
        {
            AllocationRecord record = Assert.Single(Allocator.Records.Snapshot(), r => r.Address == particle.Address);
            Assert.Equal(CallSite.File(), record.File);
            Assert.Equal(line, record.Line);
            Assert.Equal("Memory.Generators.Tests.Behaviour.Particle", record.Name);
            Assert.Equal($"{CallSite.File()}:{line}", record.CallSite);
        }
        finally
        {
            Particle.Destroy(particle);
        }
    }

    [Fact]
    public void A_leak_appears_in_the_records_at_the_calling_line()
    {
        // Leaked on purpose, then found the way a leak report finds it: a live record with this call site.
        var (leaked, line) = (Rgb.Create(), CallSite.Line());
        var leaks = Allocator.Records.Snapshot().Where(r => r.File == CallSite.File() && r.Line == line).ToList();
        Assert.Equal(leaked.Address, Assert.Single(leaks).Address);
        Assert.Equal(3, leaks[0].RequestedSize);
        Assert.Equal(1, leaks[0].Alignment);
        Rgb.Destroy(leaked);
    }

    [Fact]
    public void A_throwing_constructor_returns_the_block()
    {
        long bytes = Allocator.NumAllocatedBytes;
        long live = Allocator.Records.LiveAllocations;

        Assert.Throws<ArgumentOutOfRangeException>(() => Particle.Create(0, 0, 0, id: -1));

        Assert.Equal(bytes, Allocator.NumAllocatedBytes);
        Assert.Equal(live, Allocator.Records.LiveAllocations);
    }

    [Fact]
    public void Destroy_disposes_the_value_in_place_then_frees_it()
    {
        var allocator = NamedTestAllocator.Instance;
        long live = allocator.Records.LiveAllocations;
        int disposed = Resource.Disposed;

        NativeRef<Resource> resource = Resource.Create(5);
        Assert.Equal(live + 1, allocator.Records.LiveAllocations);
        Resource.Destroy(resource);

        Assert.Equal(disposed + 1, Resource.Disposed);
        Assert.Equal(live, allocator.Records.LiveAllocations);
    }

    [Fact]
    public void Destroy_of_a_null_handle_does_nothing()
    {
        long live = Allocator.Records.LiveAllocations;
        Particle.Destroy(default);
        Resource.Destroy(NativeRef<Resource>.Null);
        Assert.Equal(live, Allocator.Records.LiveAllocations);
    }
}

/// <summary>Tests that measure the shared test allocators run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GeneratedAllocators
{
    public const string Name = "Generated allocators";
}
