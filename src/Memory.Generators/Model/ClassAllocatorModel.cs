namespace Memory.Generators.Model;

/// <summary>What <c>[ClassAllocator(typeof(X))]</c> on one type generates.</summary>
/// <param name="Type">The attributed type.</param>
/// <param name="IsNativeStruct">An unmanaged struct living in native memory (otherwise a tracked class).</param>
/// <param name="IsDisposable">Whether <c>Destroy</c> disposes the value (structs; classes are disposed by the runtime).</param>
/// <param name="AllocatorDisplayName">The allocator's name for documentation.</param>
/// <param name="AllocatorExpression">The expression that reaches the allocator's process-wide instance.</param>
/// <param name="Factories">One <c>Create</c> per accessible constructor the user has not declared a <c>Create</c> for.</param>
/// <param name="EmitDestroy">False when the user declares the <c>Destroy</c> that would be generated.</param>
internal sealed record ClassAllocatorModel(
    TypeDeclarationModel Type,
    bool IsNativeStruct,
    bool IsDisposable,
    string AllocatorDisplayName,
    string AllocatorExpression,
    EquatableArray<FactoryModel> Factories,
    bool EmitDestroy);

/// <summary>A <c>Create</c> overload mirroring one constructor.</summary>
/// <param name="Accessibility">The overload's accessibility keyword.</param>
/// <param name="Parameters">The constructor's parameters, forwarded as written.</param>
/// <param name="RecordsCallSite">
/// Whether the overload ends with the call-site trailer <c>(CallSiteBoundary, file, line)</c>, or repeats its
/// constructor's parameters exactly and records no call site (see <c>FactoryShape.CallSites</c>).
/// </param>
/// <param name="IsUnsafe">Whether a parameter type needs an <c>unsafe</c> context (pointers).</param>
/// <param name="HidesInherited">Whether a base type has a <c>Create</c> with the same parameters (needs <c>new</c>).</param>
/// <param name="ObsoleteAttribute">The constructor's <c>[Obsolete]</c> to repeat on the overload, if any.</param>
internal sealed record FactoryModel(
    string Accessibility,
    EquatableArray<ParameterModel> Parameters,
    bool RecordsCallSite,
    bool IsUnsafe,
    bool HidesInherited,
    string? ObsoleteAttribute);

/// <summary>A constructor parameter as written.</summary>
/// <param name="Attributes">
/// The attributes that matter to callers and to nullable analysis, as code with a trailing space:
/// nullability (<c>[NotNull]</c>, <c>[AllowNull]</c>...), caller information, <c>[Optional]</c> and
/// <c>[DefaultParameterValue]</c>.
/// </param>
/// <param name="Name">The name, <c>@</c>-escaped when it is a keyword.</param>
/// <param name="Type">The fully qualified type.</param>
/// <param name="Modifiers">The declaration modifiers with a trailing space: <c>scoped ref </c>, <c>in </c>, <c>params </c>...</param>
/// <param name="ArgumentModifier">How the argument is passed on: <c>in </c>, <c>ref </c>, <c>out </c> or empty.</param>
/// <param name="DefaultValue">The default value as C# text (<c>= value</c>), or null when there is none or the attributes give it.</param>
internal sealed record ParameterModel(
    string Attributes,
    string Name,
    string Type,
    string Modifiers,
    string ArgumentModifier,
    string? DefaultValue);
