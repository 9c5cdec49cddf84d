namespace Memory.Containers;

/// <summary>The lifetime rules every native container and buffer adapter shares.</summary>
internal static class ContainerChecks
{
    public const string DisposedMessage = "The container was disposed and its memory returned to its allocator.";

    /// <summary>
    /// A second <c>Dispose</c> is the no-op .NET expects of <see cref="IDisposable"/>, except under an
    /// allocator in checked mode: there it is the same bug as a double free and is reported as one.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The allocator is in checked mode.</exception>
    public static void OnSecondDispose(object owner, IAllocator allocator)
    {
        if (allocator is AllocatorBase { IsChecked: true })
        {
            throw new ObjectDisposedException(owner.GetType().Name,
                $"Disposed twice: {allocator.Name} is in checked mode, where a second Dispose is reported like a double free.");
        }
    }
}
