using Memory.Schemas;

namespace Memory.Runtime.Tests.Core;

public sealed class AllocatorInstanceTests
{
    /// <summary>A shared allocator type of the tests' own, so the process-wide OS allocator is left alone.</summary>
    private sealed class InstanceTestAllocator : AllocatorBase<OSSchema>, IAllocatorType<InstanceTestAllocator>
    {
        public static int Created;

        private InstanceTestAllocator()
            : base("InstanceTestAllocator", "Allocator of the AllocatorInstance tests", default)
            => Interlocked.Increment(ref Created);

        public static Guid TypeId { get; } = new("6D0B7C61-3F1C-4C36-A0A5-0E9E8B2E4C11");

        public static string TypeName => "Memory.Runtime.Tests.Core.InstanceTestAllocator";

        public static InstanceTestAllocator CreateAllocator() => new();
    }

    [Fact]
    public void Get_IsLazyThreadSafeAndStoredInTheEnvironmentUnderTheTypeIdentity()
    {
        AllocatorInstance<InstanceTestAllocator>.Destroy();
        int before = Volatile.Read(ref InstanceTestAllocator.Created);
        Assert.False(AllocatorInstance<InstanceTestAllocator>.IsReady);

        var seen = new InstanceTestAllocator[16];
        Parallel.For(0, seen.Length, i => seen[i] = AllocatorInstance<InstanceTestAllocator>.Get());

        Assert.Equal(before + 1, Volatile.Read(ref InstanceTestAllocator.Created));
        Assert.All(seen, a => Assert.Same(seen[0], a));
        Assert.True(AllocatorInstance<InstanceTestAllocator>.IsReady);
        Assert.True(Memory.SharedEnvironment.TryFindVariable<InstanceTestAllocator>(AllocatorInstance<InstanceTestAllocator>.VariableName, out var variable));
        Assert.Same(seen[0], variable.Value);
        Assert.Contains(seen[0], AllocatorManager.Allocators);
    }

    [Fact]
    public void Destroy_DisposesUnregistersAndTheNextGetCreatesAFreshInstance()
    {
        var first = AllocatorInstance<InstanceTestAllocator>.Get();
        AllocatorInstance<InstanceTestAllocator>.Destroy();

        Assert.True(first.IsDisposed);
        Assert.False(AllocatorInstance<InstanceTestAllocator>.IsReady);
        Assert.DoesNotContain(first, AllocatorManager.Allocators);

        var second = AllocatorInstance<InstanceTestAllocator>.Get();
        Assert.NotSame(first, second);
        Assert.True(AllocatorInstance<InstanceTestAllocator>.IsReady);
    }

    [Fact]
    public void OSAllocatorInstance_IsTheSharedInstance()
    {
        Assert.Same(AllocatorInstance<OSAllocator>.Get(), OSAllocator.Instance);
        Assert.Equal("Memory.OSAllocator", OSAllocator.TypeName);
        Assert.NotEqual(Guid.Empty, OSAllocator.TypeId);
    }
}
