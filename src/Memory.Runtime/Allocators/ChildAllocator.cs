using Memory.Schemas;

namespace Memory;

/// <summary>
/// The base of a subsystem's own allocator: memory comes from <typeparamref name="TParent"/>, but is
/// counted, recorded and reported under the subsystem's name, as a child of the parent in
/// <see cref="AllocatorManager.GetReport"/>. The parent's totals include the child's.
/// </summary>
/// <remarks>
/// A user allocator is a few lines; <c>[TypeId]</c> makes it shareable through <see cref="AllocatorInstance{T}"/>:
/// <code>
/// [TypeId("{2C6478E2-3B0D-4DFF-88E2-ABCB3F10B96E}")]
/// public sealed partial class ScriptCanvasAllocator : ChildAllocator&lt;SystemAllocator&gt; { }
/// </code>
/// The parent is the process-wide <c>AllocatorInstance&lt;TParent&gt;.Get()</c> at the time the child is
/// created; the child stays bound to that instance.
/// </remarks>
/// <typeparam name="TParent">The allocator the memory comes from (itself possibly a child).</typeparam>
public abstract class ChildAllocator<TParent> : AllocatorBase<ChildAllocatorSchema<TParent>>
    where TParent : AllocatorBase, IAllocatorType<TParent>
{
    /// <summary>Creates a child named after its class, e.g. <c>ScriptCanvasAllocator</c>.</summary>
    protected ChildAllocator()
        : this(name: null, $"Memory drawn from {TParent.TypeName}", AllocatorInstance<TParent>.Get())
    {
    }

    /// <summary>Creates a child with a display name and description of its own.</summary>
    /// <param name="name">The name shown in reports and used to configure tracking.</param>
    /// <param name="description">What the allocator is for.</param>
    protected ChildAllocator(string name, string description)
        : this(name, description, AllocatorInstance<TParent>.Get())
    {
    }

    /// <summary>Creates a child of a given parent instance rather than the process-wide one (a parent of its own, tests).</summary>
    /// <param name="name">The name shown in reports and used to configure tracking; null for the class name.</param>
    /// <param name="description">What the allocator is for.</param>
    /// <param name="parent">The allocator the memory comes from.</param>
    protected ChildAllocator(string? name, string description, TParent parent)
        : base(name, description, new ChildAllocatorSchema<TParent>(parent), parent)
    {
    }

    /// <summary>The allocator this one draws from: <see cref="AllocatorBase.Parent"/>, typed.</summary>
    public new TParent Parent => Schema.Parent;
}
