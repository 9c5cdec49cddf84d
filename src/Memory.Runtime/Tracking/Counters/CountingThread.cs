namespace Memory.Tracking.Counters;

/// <summary>
/// A number for the calling thread, unique in the process and never reused, by which counters decide which thread
/// owns them.
/// </summary>
/// <remarks>
/// Only the out-of-line path reads it: the first count, and an owner counting from another page of its stack than
/// last time. The hot path recognises the owner by that page instead (see <see cref="AllocationCounters"/>), since
/// even this cheapest of thread-locals (a primitive thread-static in a non-generic class) is a call into the C
/// library's TLS lookup on Linux.
/// </remarks>
internal static class CountingThread
{
    [ThreadStatic]
    private static int t_token;

    private static int s_lastToken;

    /// <summary>The calling thread's number, assigned now if it has none.</summary>
    public static int Assign()
    {
        int token = t_token;
        if (token == 0)
            t_token = token = Interlocked.Increment(ref s_lastToken);
        return token;
    }
}
