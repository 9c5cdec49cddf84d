using System.Runtime.CompilerServices;

namespace Memory.Schemas.Pool;

/// <summary>
/// The calling thread's pools, one per <see cref="ThreadPoolSchema"/> instance: a thread-static array indexed by the
/// schema's id. Finding the pool on the hot path is a thread-static read, a length check and an element read.
/// </summary>
/// <remarks>
/// Ids are never reused, so an entry left behind by a schema that no longer exists is never read again. The array
/// grows only when a thread first uses a schema with a larger id: the one managed allocation, off the hot path.
/// </remarks>
internal static unsafe class ThreadHeapTable
{
    [ThreadStatic]
    private static nint[]? t_heaps;

    private static int s_lastSchemaId = -1;

    /// <summary>A process-unique id for a new schema instance.</summary>
    public static int NewSchemaId() => Interlocked.Increment(ref s_lastSchemaId);

    /// <summary>The calling thread's pool for the schema <paramref name="schemaId"/>, or null if it has none yet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PoolHeap* Find(int schemaId)
    {
        nint[]? heaps = t_heaps;
        return heaps is not null && (uint)schemaId < (uint)heaps.Length ? (PoolHeap*)heaps[schemaId] : null;
    }

    /// <summary>Records the calling thread's pool for the schema <paramref name="schemaId"/>.</summary>
    public static void Set(int schemaId, PoolHeap* heap)
    {
        nint[]? heaps = t_heaps;
        if (heaps is null || schemaId >= heaps.Length)
        {
            Array.Resize(ref heaps, Math.Max(schemaId + 1, Math.Max(8, (heaps?.Length ?? 0) * 2)));
            t_heaps = heaps;
        }
        heaps[schemaId] = (nint)heap;
    }
}
