using System.Diagnostics.CodeAnalysis;

namespace Memory;

/// <summary>
/// Process-wide named variables, O3DE's <c>AZ::Environment</c>: the one place every module finds the
/// shared allocators (and anything else that must exist once per process).
/// </summary>
/// <remarks>
/// Variables are created once under a lock and read without one afterwards through the
/// <see cref="EnvironmentVariable{T}"/> handle a caller keeps, so lookups stay off hot paths.
/// </remarks>
public static class SharedEnvironment
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, EnvironmentVariable> Variables = new(StringComparer.Ordinal);

    /// <summary>The environment is usable from the first access on; there is no separate boot step.</summary>
    public static bool IsReady => true;

    /// <summary>Creates a variable, or returns the existing one of that name when it holds a <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">A variable of that name holds another type.</exception>
    public static EnvironmentVariable<T> FindOrCreateVariable<T>(string name, Func<T> factory)
        where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);
        lock (Gate)
        {
            if (Variables.TryGetValue(name, out var existing))
                return existing as EnvironmentVariable<T>
                    ?? throw new InvalidOperationException($"Environment variable '{name}' holds a {Describe(existing.ValueType)}, not a {Describe(typeof(T))}.");

            // The factory runs under the lock: a second caller must never see two instances.
            var created = new EnvironmentVariable<T>(name, factory());
            Variables.Add(name, created);
            return created;
        }
    }

    /// <summary>Creates a variable holding <paramref name="value"/>.</summary>
    /// <exception cref="InvalidOperationException">A variable of that name exists.</exception>
    public static EnvironmentVariable<T> CreateVariable<T>(string name, T value)
        where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        lock (Gate)
        {
            if (Variables.ContainsKey(name))
                throw new InvalidOperationException($"Environment variable '{name}' already exists.");
            var created = new EnvironmentVariable<T>(name, value);
            Variables.Add(name, created);
            return created;
        }
    }

    /// <summary>Finds a variable by name and type.</summary>
    public static bool TryFindVariable<T>(string name, [NotNullWhen(true)] out EnvironmentVariable<T>? variable)
        where T : class
    {
        lock (Gate)
        {
            variable = Variables.TryGetValue(name, out var existing) ? existing as EnvironmentVariable<T> : null;
            return variable is not null;
        }
    }

    /// <summary>Removes a variable; handles held elsewhere report <see cref="EnvironmentVariable.IsRemoved"/>.</summary>
    /// <returns>Whether a variable of that name existed.</returns>
    public static bool RemoveVariable(string name)
    {
        lock (Gate)
        {
            if (!Variables.Remove(name, out var removed))
                return false;
            removed.MarkRemoved();
            return true;
        }
    }

    // Full name and assembly: two assemblies' same-named types must be told apart in the message.
    private static string Describe(Type type) => $"{type.FullName ?? type.Name} ({type.Assembly.GetName().Name})";

    /// <summary>The names of the variables that exist now.</summary>
    public static IReadOnlyList<string> VariableNames
    {
        get
        {
            lock (Gate)
                return Variables.Keys.ToArray();
        }
    }
}

/// <summary>A named process-wide variable of <see cref="SharedEnvironment"/>.</summary>
public abstract class EnvironmentVariable
{
    private volatile bool _removed;

    private protected EnvironmentVariable(string name) => Name = name;

    /// <summary>The variable's name.</summary>
    public string Name { get; }

    /// <summary>Whether the variable was removed from the environment after this handle was taken.</summary>
    public bool IsRemoved => _removed;

    internal abstract Type ValueType { get; }

    internal void MarkRemoved() => _removed = true;
}

/// <summary>A typed handle to a variable of <see cref="SharedEnvironment"/>.</summary>
/// <typeparam name="T">What the variable holds.</typeparam>
public sealed class EnvironmentVariable<T> : EnvironmentVariable
    where T : class
{
    internal EnvironmentVariable(string name, T value)
        : base(name) => Value = value;

    /// <summary>The value.</summary>
    public T Value { get; }

    internal override Type ValueType => typeof(T);
}
