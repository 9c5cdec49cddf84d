using Memory.Objects;
using Memory.Schemas;

namespace Memory.Runtime.Tests.Core;

/// <summary>
/// Shared allocators are keyed by type identity: each construction of a generic allocator is an allocator of its
/// own, and two allocator types of the same name (two assemblies' <c>Plugins.PluginAllocator</c>) do not collide.
/// </summary>
public sealed class AllocatorIdentityTests
{
    [Fact]
    public void Each_construction_of_a_generic_allocator_is_its_own_shared_allocator()
    {
        var a = AllocatorInstance<TaggedTestAllocator<IdentityA>>.Get();
        var b = AllocatorInstance<TaggedTestAllocator<IdentityB>>.Get();

        Assert.NotSame(a, b);
        Assert.Same(a, AllocatorInstance<TaggedTestAllocator<IdentityA>>.Get());
        Assert.NotEqual(AllocatorInstance<TaggedTestAllocator<IdentityA>>.VariableName, AllocatorInstance<TaggedTestAllocator<IdentityB>>.VariableName);
        Assert.Equal("Memory.Runtime.Tests.Core.TaggedTestAllocator<Memory.Runtime.Tests.Core.IdentityA>", a.Name);
        Assert.Equal("Memory.Runtime.Tests.Core.TaggedTestAllocator<Memory.Runtime.Tests.Core.IdentityB>", b.Name);

        nint fromA = a.Allocate(32, 8);
        nint fromB = b.Allocate(64, 8);
        Assert.Equal(32, a.NumAllocatedBytes);
        Assert.Equal(64, b.NumAllocatedBytes);
        a.DeAllocate(fromA);
        b.DeAllocate(fromB);
        Assert.Equal(0, a.NumAllocatedBytes);
    }

    [Fact]
    public void Two_allocator_types_with_one_name_and_two_identities_are_two_allocators()
    {
        Assert.Equal(FirstPluginAllocator.TypeName, SecondPluginAllocator.TypeName);

        var first = AllocatorInstance<FirstPluginAllocator>.Get();
        var second = AllocatorInstance<SecondPluginAllocator>.Get();

        Assert.NotEqual<object>(first, second);
        Assert.True(SharedEnvironment.TryFindVariable<FirstPluginAllocator>(TypeIdentity.VariableName(FirstPluginAllocator.TypeId), out var variable));
        Assert.Same(first, variable.Value);
    }

    [Fact]
    public void SharedAllocator_and_AllocatorInstance_meet_in_the_variable_of_the_identity()
    {
        var shared = SharedAllocator<TaggedTestAllocator<int>>.Get(
            TaggedTestAllocator<int>.TypeId, TaggedTestAllocator<int>.TypeName, TaggedTestAllocator<int>.CreateAllocator);
        Assert.Same(AllocatorInstance<TaggedTestAllocator<int>>.Get(), shared);
        Assert.NotSame(AllocatorInstance<TaggedTestAllocator<long>>.Get(), shared);
    }

    [Fact]
    public void One_identity_claimed_by_two_types_is_a_clear_error_naming_both()
    {
        var id = Guid.NewGuid();
        SharedAllocator<FirstPluginAllocator>.Get(id, "Plugins.PluginAllocator", () => new FirstPluginAllocator());
        var error = Assert.Throws<InvalidOperationException>(
            () => SharedEnvironment.FindOrCreateVariable(TypeIdentity.VariableName(id), () => new SecondPluginAllocator()));
        Assert.Contains(typeof(FirstPluginAllocator).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(SecondPluginAllocator).FullName!, error.Message, StringComparison.Ordinal);
        SharedEnvironment.RemoveVariable(TypeIdentity.VariableName(id));
    }
}

[TypeId("{3E9A44C0-6B1D-4F2A-9D57-8C0E1B2A3F46}")]
public sealed class TaggedTestAllocator<T> : AllocatorBase<OSSchema>, IAllocatorType<TaggedTestAllocator<T>>
{
    private TaggedTestAllocator()
        : base(TypeName, TypeName, default)
    {
    }

    public static Guid TypeId => TypeIdentity<TaggedTestAllocator<T>>.Id;

    public static string TypeName => TypeIdentity<TaggedTestAllocator<T>>.Name;

    public static TaggedTestAllocator<T> CreateAllocator() => new();
}

// Stand-ins for two assemblies' Plugins.PluginAllocator: one TypeName, two GUIDs.
[TypeId("{41D3B6E2-8F05-4C71-A9E4-2D6B0C8F1A37}")]
public sealed class FirstPluginAllocator : AllocatorBase<OSSchema>, IAllocatorType<FirstPluginAllocator>
{
    internal FirstPluginAllocator()
        : base("PluginAllocator", "first", default)
    {
    }

    public static Guid TypeId => new("41D3B6E2-8F05-4C71-A9E4-2D6B0C8F1A37");

    public static string TypeName => "Plugins.PluginAllocator";

    public static FirstPluginAllocator CreateAllocator() => new();
}

[TypeId("{9B27C5F8-1E64-4D03-B8A2-6F4E7D0C9B58}")]
public sealed class SecondPluginAllocator : AllocatorBase<OSSchema>, IAllocatorType<SecondPluginAllocator>
{
    internal SecondPluginAllocator()
        : base("PluginAllocator", "second", default)
    {
    }

    public static Guid TypeId => new("9B27C5F8-1E64-4D03-B8A2-6F4E7D0C9B58");

    public static string TypeName => "Plugins.PluginAllocator";

    public static SecondPluginAllocator CreateAllocator() => new();
}
