namespace Memory;

/// <summary>
/// The one process-wide instance of an allocator type, O3DE's <c>AZ::AllocatorInstance</c>. Created on
/// first use and stored in <see cref="Environment"/> under the allocator's type name, so every module
/// that asks gets the same allocator.
/// </summary>
/// <typeparam name="T">The allocator type.</typeparam>
public static class AllocatorInstance<T>
    where T : AllocatorBase, IAllocatorType<T>
{
    // Cached after the first lookup: Get() on the hot path is one static field read.
    private static T? s_instance;

    /// <summary>The instance, created on first call (thread-safe: racing callers all get the same one).</summary>
    public static T Get()
    {
        T? instance = s_instance;
        return instance is not null && !instance.IsDisposed ? instance : GetSlow();
    }

    /// <summary>Whether the instance exists and has not been destroyed.</summary>
    public static bool IsReady
    {
        get
        {
            if (s_instance is { IsDisposed: false })
                return true;
            return Environment.TryFindVariable<T>(T.TypeName, out var variable) && !variable.Value.IsDisposed;
        }
    }

    /// <summary>Creates the instance now if it does not exist yet (O3DE's <c>Create</c>).</summary>
    public static void Create() => Get();

    /// <summary>
    /// Disposes the instance and removes it from the environment; the next <see cref="Get"/> creates a new
    /// one. Only for shutdown and tests: blocks still live in the old instance must not be used after this.
    /// </summary>
    public static void Destroy()
    {
        if (Environment.TryFindVariable<T>(T.TypeName, out var variable))
        {
            Environment.RemoveVariable(T.TypeName);
            variable.Value.Dispose();
        }
        s_instance = null;
    }

    private static T GetSlow()
    {
        var variable = Environment.FindOrCreateVariable(T.TypeName, static () => T.CreateAllocator());
        if (variable.Value.IsDisposed)
        {
            Environment.RemoveVariable(T.TypeName);
            variable = Environment.FindOrCreateVariable(T.TypeName, static () => T.CreateAllocator());
        }
        s_instance = variable.Value;
        return variable.Value;
    }
}
