namespace Memory.Generators.Tests.Behaviour;

/// <summary>What <c>[TypeId]</c> gives a type and an allocator, read the way generic code reads it.</summary>
[Collection(GeneratedAllocators.Name)]
public sealed class AllocatorGlueTests
{
    [Fact]
    public void TypeId_and_TypeName_come_from_the_attribute_and_the_source()
    {
        Assert.Equal(new Guid("C3D4E5F6-0718-493A-A4B5-C6D7E8F90A1B"), GeneratorTestAllocator.TypeId);
        Assert.Equal("Memory.Generators.Tests.Behaviour.GeneratorTestAllocator", GeneratorTestAllocator.TypeName);
        Assert.Equal(new Guid("E5F60718-293A-4B5C-86D7-E8F90A1B2C3D"), Quest.TypeId);
    }

    [Fact]
    public void Generic_code_reads_the_type_information_without_reflection()
    {
        Assert.Equal(("Memory.Generators.Tests.Behaviour.Quest", Quest.TypeId), Read<Quest>());
        Assert.Equal(("Memory.Generators.Tests.Behaviour.NamedTestAllocator", NamedTestAllocator.TypeId), Read<NamedTestAllocator>());
    }

    [Fact]
    public void Instance_is_the_AllocatorInstance_of_the_type()
    {
        Assert.Same(AllocatorInstance<GeneratorTestAllocator>.Get(), GeneratorTestAllocator.Instance);
        Assert.Same(GeneratorTestAllocator.Instance, GeneratorTestAllocator.Instance);
        Assert.Equal("GeneratorTestAllocator", GeneratorTestAllocator.Instance.Name);
        Assert.Equal("Allocator of the generator behaviour tests", GeneratorTestAllocator.Instance.Description);
        Assert.True(SharedEnvironment.TryFindVariable<GeneratorTestAllocator>(TypeIdentity.VariableName(GeneratorTestAllocator.TypeId), out _));
    }

    [Fact]
    public void An_allocator_without_a_constructor_is_named_after_its_type()
    {
        NamedTestAllocator allocator = NamedTestAllocator.Instance;
        Assert.Equal("NamedTestAllocator", allocator.Name);
        Assert.Equal("Memory.Generators.Tests.Behaviour.NamedTestAllocator", allocator.Description);
        Assert.Contains(AllocatorManager.Allocators, a => ReferenceEquals(a, allocator));
    }

    [Fact]
    public void The_one_line_child_allocator_is_a_shared_child_of_the_system_allocator()
    {
        ScriptCanvasAllocator allocator = ScriptCanvasAllocator.Instance;
        Assert.Same(AllocatorInstance<ScriptCanvasAllocator>.Get(), allocator);
        Assert.Equal("ScriptCanvasAllocator", allocator.Name);
        Assert.Same(SystemAllocator.Instance, allocator.Parent);

        long parentBefore = SystemAllocator.Instance.NumAllocatedBytes;
        nint block = Az.Malloc<ScriptCanvasAllocator>(1000);
        Assert.True(allocator.NumAllocatedBytes >= 1000);
        Assert.True(SystemAllocator.Instance.NumAllocatedBytes - parentBefore >= 1000);
        Az.Free<ScriptCanvasAllocator>(block);
        Assert.Equal(0, allocator.NumAllocatedBytes);
    }

    [Fact]
    public void CreateAllocator_makes_a_new_allocator_each_call()
    {
        using GeneratorTestAllocator first = GeneratorTestAllocator.CreateAllocator();
        using GeneratorTestAllocator second = GeneratorTestAllocator.CreateAllocator();
        Assert.NotSame(first, second);
        Assert.NotSame(GeneratorTestAllocator.Instance, first);
    }

    private static (string Name, Guid Id) Read<T>()
        where T : ITypeInfo
        => (T.TypeName, T.TypeId);
}
