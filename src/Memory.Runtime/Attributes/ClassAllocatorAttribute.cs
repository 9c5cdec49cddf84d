namespace Memory;

/// <summary>
/// Names the allocator a type's instances come from, O3DE's <c>AZ_CLASS_ALLOCATOR</c>. On a partial type
/// the generator adds <c>Create(...)</c>/<c>Destroy(...)</c> factories that go through that allocator.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class ClassAllocatorAttribute : Attribute
{
    /// <summary>Names the allocator.</summary>
    /// <param name="allocatorType">An allocator type: an <see cref="AllocatorBase"/> with <c>[TypeId]</c>.</param>
    public ClassAllocatorAttribute(Type allocatorType) => AllocatorType = allocatorType;

    /// <summary>The allocator type.</summary>
    public Type AllocatorType { get; }
}
