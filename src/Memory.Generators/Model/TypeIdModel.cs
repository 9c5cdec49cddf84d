namespace Memory.Generators.Model;

/// <summary>What <c>[TypeId("{GUID}")]</c> on one type generates.</summary>
/// <param name="Type">The attributed type.</param>
/// <param name="Id">The GUID, normalised to upper-case <c>D</c> format (no braces).</param>
/// <param name="IsGeneric">
/// Whether the type or a containing type has type parameters: its <c>TypeId</c> and <c>TypeName</c> then combine the
/// GUID and name with the type arguments' at run time (<c>Memory.TypeIdentity&lt;T&gt;</c>), once per closed type.
/// </param>
/// <param name="IsRefLike">
/// Whether the type is a ref struct, which cannot be a type argument (of <c>Memory.TypeIdentity&lt;T&gt;</c>) before C# 13.
/// </param>
/// <param name="ImplementsInterface">
/// Whether the type declares <c>ITypeInfo</c>/<c>IAllocatorType&lt;TSelf&gt;</c>: C# 11 and later (C# 10 cannot
/// implement static abstract members), and never on interfaces.
/// </param>
/// <param name="EmitTypeId">False when the type already declares a <c>TypeId</c> member.</param>
/// <param name="EmitTypeName">False when the type already declares a <c>TypeName</c> member.</param>
/// <param name="HidesTypeId">Whether a base type has a <c>TypeId</c> (needs <c>new</c>).</param>
/// <param name="HidesTypeName">Whether a base type has a <c>TypeName</c> (needs <c>new</c>).</param>
/// <param name="Allocator">The allocator glue, for a creatable <c>AllocatorBase</c> class.</param>
internal sealed record TypeIdModel(
    TypeDeclarationModel Type,
    string Id,
    bool IsGeneric,
    bool IsRefLike,
    bool ImplementsInterface,
    bool EmitTypeId,
    bool EmitTypeName,
    bool HidesTypeId,
    bool HidesTypeName,
    AllocatorGlueModel? Allocator);

/// <summary>The <c>AllocatorInstance</c> glue of a <c>[TypeId]</c> allocator.</summary>
/// <param name="EmitCreateAllocator">False when the type already declares <c>CreateAllocator</c>.</param>
/// <param name="EmitInstance">False when the type already declares <c>Instance</c>.</param>
/// <param name="HidesCreateAllocator">Whether a base type has a parameterless <c>CreateAllocator</c>.</param>
/// <param name="HidesInstance">Whether a base type has an <c>Instance</c>.</param>
/// <param name="Constructor">A parameterless constructor to generate (the type declares none), or null.</param>
internal sealed record AllocatorGlueModel(
    bool EmitCreateAllocator,
    bool EmitInstance,
    bool HidesCreateAllocator,
    bool HidesInstance,
    GeneratedConstructorModel? Constructor);

/// <summary>
/// The parameterless constructor generated for an allocator that declares none: it passes a name and
/// description derived from the type to a base constructor taking <c>(string name, string description)</c>.
/// </summary>
/// <param name="AllocatorName">The name: the type's simple name.</param>
/// <param name="Description">The description: the type's full name.</param>
internal sealed record GeneratedConstructorModel(string AllocatorName, string Description);
