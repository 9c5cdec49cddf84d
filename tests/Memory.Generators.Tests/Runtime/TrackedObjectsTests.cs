using Memory.Objects;
using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Generators.Tests.Runtime;

/// <summary>The tracking glue of class instances and the C# 10 route to a shared allocator.</summary>
public sealed class TrackedObjectsTests
{
    private sealed class LocalAllocator() : AllocatorBase<OSSchema>("TrackedObjectsTests." + Guid.NewGuid(), "test", default);

    [Fact]
    public void Tracking_an_object_twice_throws_and_keeps_one_block()
    {
        using var allocator = new LocalAllocator();
        allocator.Records.Mode = TrackingMode.Records;
        var instance = new object();

        TrackedObjects.Track(instance, allocator, "object", "file.cs", 1);
        Assert.Throws<InvalidOperationException>(() => TrackedObjects.Track(instance, allocator, "object", "file.cs", 2));

        Assert.Equal(1, allocator.Records.LiveAllocations);
        Assert.Equal(1, Assert.Single(allocator.Records.Snapshot()).Line);
        TrackedObjects.Destroy(instance);
        Assert.Equal(0, allocator.Records.LiveAllocations);
    }

    [Fact]
    public void Destroy_disposes_after_releasing_the_block()
    {
        using var allocator = new LocalAllocator();
        var disposable = new Probe(allocator);
        TrackedObjects.Track(disposable, allocator, null, null, 0);
        TrackedObjects.Destroy(disposable);
        Assert.Equal(0, disposable.LiveAtDispose);
    }

    [Fact]
    public void SharedAllocator_finds_the_same_instance_as_AllocatorInstance_and_replaces_a_disposed_one()
    {
        var shared = SharedAllocator<OSAllocator>.Get(OSAllocator.TypeId, OSAllocator.TypeName, () => new OSAllocator());
        Assert.Same(AllocatorInstance<OSAllocator>.Get(), shared);

        Guid id = Guid.NewGuid();
        const string name = "SharedAllocatorTests.LocalAllocator";
        var first = SharedAllocator<LocalAllocator>.Get(id, name, () => new LocalAllocator());
        Assert.Same(first, SharedAllocator<LocalAllocator>.Get(id, name, () => new LocalAllocator()));
        first.Dispose();
        var second = SharedAllocator<LocalAllocator>.Get(id, name, () => new LocalAllocator());
        Assert.NotSame(first, second);
        Assert.False(second.IsDisposed);
        Assert.True(SharedEnvironment.RemoveVariable(TypeIdentity.VariableName(id)));
        second.Dispose();
    }

    private sealed class Probe(IAllocator allocator) : IDisposable
    {
        public long LiveAtDispose { get; private set; } = -1;

        public void Dispose() => LiveAtDispose = allocator.Records.LiveAllocations;
    }
}
