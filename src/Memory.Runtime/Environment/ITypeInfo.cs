namespace Memory;

/// <summary>
/// Reflection-free type information, O3DE's <c>AZ_TYPE_INFO</c>: a stable GUID and name that generic
/// code reads through the type parameter. <c>[TypeId("{GUID}")]</c> on a partial type generates it.
/// </summary>
public interface ITypeInfo
{
    /// <summary>The type's stable identifier.</summary>
    static abstract Guid TypeId { get; }

    /// <summary>The type's full name, as written in source.</summary>
    static abstract string TypeName { get; }
}
