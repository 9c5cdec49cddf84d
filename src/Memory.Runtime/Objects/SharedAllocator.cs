using System.ComponentModel;

namespace Memory.Objects;

/// <summary>
/// The process-wide instance of an allocator type that does not implement <see cref="IAllocatorType{TSelf}"/>:
/// what the generated <c>Instance</c> of a <c>[TypeId]</c> allocator uses when it is compiled at C# 10, where
/// a type cannot implement static abstract interface members and so cannot be an
/// <see cref="AllocatorInstance{T}"/> argument.
/// </summary>
/// <remarks>
/// The instance lives in <see cref="SharedEnvironment"/> under the type's identity
/// (<see cref="TypeIdentity.VariableName"/>), exactly where <see cref="AllocatorInstance{T}"/> keeps it, so both
/// routes share one allocator.
/// </remarks>
/// <typeparam name="T">The allocator type.</typeparam>
// Called by generated code, not by users: hidden from completion lists so the real API stands alone there.
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SharedAllocator<T>
    where T : AllocatorBase
{
    private static T? s_instance;

    /// <summary>The instance, created by <paramref name="factory"/> on first call.</summary>
    /// <param name="typeId">The allocator's <c>TypeId</c>: its environment variable is named after it.</param>
    /// <param name="typeName">The allocator's <c>TypeName</c>, for messages.</param>
    /// <param name="factory">Creates the instance; called once per process (again after it is disposed).</param>
    public static T Get(Guid typeId, string typeName, Func<T> factory)
    {
        T? instance = s_instance;
        return instance is not null && !instance.IsDisposed ? instance : GetSlow(typeId, typeName, factory);
    }

    private static T GetSlow(Guid typeId, string typeName, Func<T> factory)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        string variableName = TypeIdentity.VariableName(typeId);
        var variable = SharedEnvironment.FindOrCreateVariable(variableName, factory);
        if (variable.Value.IsDisposed)
        {
            SharedEnvironment.RemoveVariable(variableName);
            variable = SharedEnvironment.FindOrCreateVariable(variableName, factory);
        }
        s_instance = variable.Value;
        return variable.Value;
    }
}
