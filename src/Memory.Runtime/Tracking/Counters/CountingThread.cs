using System.Runtime.CompilerServices;

namespace Memory.Tracking.Counters;

/// <summary>
/// A number for the calling thread, unique in the process and never reused, by which counters recognise the
/// thread that owns them.
/// </summary>
/// <remarks>
/// A primitive thread-static in a non-generic class is the cheapest thread-local the runtime has: the JIT inlines
/// its access (on Linux, one call to the C library's TLS lookup, shared with any other such field the same method
/// reads, such as the pool's per-thread heap). <see cref="System.Environment.CurrentManagedThreadId"/> would be a call
/// into the runtime that reaches a thread-static of reference type.
/// </remarks>
internal static class CountingThread
{
    [ThreadStatic]
    private static int t_token;

    private static int s_lastToken;

    /// <summary>The calling thread's number, or 0 before its first <see cref="Assign"/>.</summary>
    public static int Token
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_token;
    }

    /// <summary>The calling thread's number, assigned now if it has none.</summary>
    public static int Assign()
    {
        int token = t_token;
        if (token == 0)
            t_token = token = Interlocked.Increment(ref s_lastToken);
        return token;
    }
}
