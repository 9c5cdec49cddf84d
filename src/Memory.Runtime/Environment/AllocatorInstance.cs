namespace Memory;

/// <summary>
/// The one process-wide instance of an allocator type, O3DE's <c>AZ::AllocatorInstance</c>. Created on
/// first use and stored in <see cref="SharedEnvironment"/> under the allocator's type identity
/// (<see cref="VariableName"/>), so every module that asks gets the same allocator, the constructions of a generic
/// allocator are one allocator each, and two assemblies' allocators of the same name stay two.
/// </summary>
/// <remarks>
/// The instance cannot be used while it is being constructed (by that construction itself) nor after
/// <see cref="AllocatorManager.Shutdown"/>; <see cref="Get"/> then throws, and <see cref="Az"/> sends its
/// raw allocations to the OS under the <c>Global</c> category instead.
/// </remarks>
/// <typeparam name="T">The allocator type.</typeparam>
public static class AllocatorInstance<T>
    where T : AllocatorBase, IAllocatorType<T>
{
    // Cached after the first lookup: Get() on the hot path is one static field read.
    private static T? s_instance;

    // Set on the thread running the allocator's factory, so a construction that uses its own instance is caught.
    [ThreadStatic]
    private static bool t_creating;

    /// <summary>
    /// The <see cref="SharedEnvironment"/> variable holding the instance: <see cref="TypeIdentity.VariableName"/> of the
    /// allocator's <c>TypeId</c>. A name would confuse <c>Tagged&lt;A&gt;</c> with <c>Tagged&lt;B&gt;</c>, and two assemblies'
    /// <c>Plugins.PluginAllocator</c> with each other.
    /// </summary>
    /// <remarks>Computed on each call (off the hot path): a static initializer here would put a class-initialization check on <see cref="Get"/>.</remarks>
    public static string VariableName => TypeIdentity.VariableName(T.TypeId);

    /// <summary>The instance, created on first call (thread-safe: racing callers all get the same one).</summary>
    /// <exception cref="InvalidOperationException">
    /// Called from the instance's own construction, or after <see cref="AllocatorManager.Shutdown"/>.
    /// </exception>
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
            return SharedEnvironment.TryFindVariable<T>(VariableName, out var variable) && !variable.Value.IsDisposed;
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
        if (SharedEnvironment.TryFindVariable<T>(VariableName, out var variable))
        {
            SharedEnvironment.RemoveVariable(VariableName);
            variable.Value.Dispose();
        }
        s_instance = null;
    }

    /// <summary>
    /// The instance for a raw allocation, or null when it cannot serve one now: while it is being
    /// constructed on this thread, or after <see cref="AllocatorManager.Shutdown"/>.
    /// </summary>
    internal static T? GetForRawAllocation()
    {
        T? instance = s_instance;
        if (instance is not null && !instance.IsDisposed)
            return instance;
        return t_creating || AllocatorManager.IsShutDown ? null : GetSlow();
    }

    private static T GetSlow()
    {
        if (t_creating)
            throw new InvalidOperationException($"{T.TypeName} is being constructed on this thread: its construction cannot use its own instance (raw allocations through Az go to the Global category instead).");
        if (AllocatorManager.IsShutDown)
            throw new InvalidOperationException($"The memory system is shut down: {T.TypeName} is not created again until AllocatorManager.Start() (raw allocations through Az go to the Global category).");

        t_creating = true;
        try
        {
            var variable = SharedEnvironment.FindOrCreateVariable(VariableName, Create);
            if (variable.Value.IsDisposed)
            {
                SharedEnvironment.RemoveVariable(VariableName);
                variable = SharedEnvironment.FindOrCreateVariable(VariableName, Create);
            }
            s_instance = variable.Value;
            return variable.Value;
        }
        finally
        {
            t_creating = false;
        }

        static T Create()
        {
            var allocator = T.CreateAllocator();
            AllocatorManager.RegisterInstance(allocator, Destroy);
            return allocator;
        }
    }
}
