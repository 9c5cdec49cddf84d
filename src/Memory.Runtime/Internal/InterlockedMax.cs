namespace Memory.Internal;

/// <summary>Raises a shared high-water mark without a lock.</summary>
internal static class InterlockedMax
{
    /// <summary>Sets <paramref name="target"/> to <paramref name="candidate"/> if that is higher, whatever other threads do meanwhile.</summary>
    public static void Raise(ref long target, long candidate)
    {
        long seen = Volatile.Read(ref target);
        while (candidate > seen)
        {
            long previous = Interlocked.CompareExchange(ref target, candidate, seen);
            if (previous == seen)
                return;
            seen = previous;
        }
    }
}
