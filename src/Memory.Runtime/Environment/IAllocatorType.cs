namespace Memory;

/// <summary>
/// An allocator that <see cref="AllocatorInstance{T}"/> can create and share: type information plus a
/// factory. <c>[TypeId]</c> on a partial allocator class generates it.
/// </summary>
/// <typeparam name="TSelf">The allocator type itself.</typeparam>
public interface IAllocatorType<TSelf> : ITypeInfo
    where TSelf : AllocatorBase, IAllocatorType<TSelf>
{
    /// <summary>Creates the process-wide instance; called once, by <see cref="AllocatorInstance{T}"/>.</summary>
    static abstract TSelf CreateAllocator();
}
