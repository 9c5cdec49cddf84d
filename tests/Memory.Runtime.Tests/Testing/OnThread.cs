using System.Runtime.CompilerServices;

namespace Memory.Runtime.Tests.Testing;

/// <summary>Runs an action on a new thread that has exited when the call returns: for tests of what a thread leaves behind.</summary>
public static class OnThread
{
    /// <summary>Runs <paramref name="action"/> on a new thread, waits for it to end and rethrows what it threw.</summary>
    // Not inlined, so no reference the thread made stays alive in the caller's frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Run(Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception exception)
            {
                failure = exception;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
            throw new InvalidOperationException("The action failed on its thread.", failure);
    }
}
