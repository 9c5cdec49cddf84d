namespace Memory;

/// <summary>
/// Marks a parameter that takes ownership of the native block, <c>NativeRef&lt;T&gt;</c> or native container
/// passed to it: from the call on, the callee is responsible for freeing it. The leak rule (MEM0030) treats
/// passing a value to such a parameter like storing it, so the caller is not asked to free it.
/// </summary>
/// <remarks>
/// The rule matches the attribute by its name, so a library that does not reference the runtime can declare a
/// <c>TakesOwnershipAttribute</c> of its own. Methods of code that cannot be annotated are named in
/// <c>.editorconfig</c> instead (<c>memory_analyzers.mem0030.ownership_transfer_methods</c>).
/// </remarks>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = true)]
public sealed class TakesOwnershipAttribute : Attribute
{
}
