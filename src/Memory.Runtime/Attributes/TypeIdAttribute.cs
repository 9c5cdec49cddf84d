namespace Memory;

/// <summary>
/// Gives a type a stable identifier, O3DE's <c>AZ_TYPE_INFO</c>. On a partial type the generator
/// implements <see cref="ITypeInfo"/>; on an allocator it also adds the <see cref="AllocatorInstance{T}"/> glue.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface | AttributeTargets.Enum,
    AllowMultiple = false, Inherited = false)]
public sealed class TypeIdAttribute : Attribute
{
    /// <summary>Sets the identifier.</summary>
    /// <param name="id">A GUID in registry form, with braces: <c>"{2C6478E2-3B0D-4DFF-88E2-ABCB3F10B96E}"</c>.</param>
    public TypeIdAttribute(string id) => Id = id;

    /// <summary>The identifier as written.</summary>
    public string Id { get; }
}
