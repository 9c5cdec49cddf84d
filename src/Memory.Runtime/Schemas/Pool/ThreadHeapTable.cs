using System.Runtime.CompilerServices;

namespace Memory.Schemas.Pool;

/// <summary>
/// The calling thread's pools, one per <see cref="ThreadPoolSchema"/> instance: a thread-static array indexed by the
/// schema's id, in front of which sits the pool the thread used last.
/// </summary>
/// <remarks>
/// <para>
/// The thread-static way, taken when a call's stack page does not find the pool (see <see cref="ThreadPoolSchema"/>).
/// A thread mostly uses one pool schema at a time, so it checks the last-used entry first: two thread-static reads in
/// this non-generic class, which the JIT inlines to loads from the thread's TLS block after a lookup of that block (on
/// Linux a call into the C library, which is why the hot path avoids this table). The array (a thread-static
/// reference, a length check and an element read) is consulted only when the thread turns to another schema, and
/// becomes the last-used entry. Entries are the pools' objects, which the slow path binds to the stack page: a thread
/// keeps the pools of every schema it used alive until it exits, as HPHA's thread caches do.
/// </para>
/// <para>
/// Ids start at 1 so that the default of the last-used id matches no schema, and are never reused, so an entry left
/// behind by a schema that no longer exists is never read again. The array grows only when a thread first uses a
/// schema with a larger id: the one managed allocation, off the hot path.
/// </para>
/// </remarks>
internal static class ThreadHeapTable
{
    [ThreadStatic]
    private static ThreadHeap?[]? t_heaps;

    [ThreadStatic]
    private static int t_lastSchemaId;

    [ThreadStatic]
    private static ThreadHeap? t_lastHeap;

    private static int s_lastSchemaId;

    /// <summary>A process-unique id for a new schema instance.</summary>
    public static int NewSchemaId() => Interlocked.Increment(ref s_lastSchemaId);

    /// <summary>The calling thread's pool for the schema <paramref name="schemaId"/>, or null if it has none yet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ThreadHeap? Find(int schemaId)
        => t_lastSchemaId == schemaId ? t_lastHeap : FindInTable(schemaId);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ThreadHeap? FindInTable(int schemaId)
    {
        ThreadHeap?[]? heaps = t_heaps;
        ThreadHeap? heap = heaps is not null && (uint)schemaId < (uint)heaps.Length ? heaps[schemaId] : null;
        if (heap is not null)
        {
            t_lastSchemaId = schemaId;
            t_lastHeap = heap;
        }
        return heap;
    }

    /// <summary>Records the calling thread's pool for the schema <paramref name="schemaId"/>.</summary>
    public static void Set(int schemaId, ThreadHeap heap)
    {
        ThreadHeap?[]? heaps = t_heaps;
        if (heaps is null || schemaId >= heaps.Length)
        {
            Array.Resize(ref heaps, Math.Max(schemaId + 1, Math.Max(8, (heaps?.Length ?? 0) * 2)));
            t_heaps = heaps;
        }
        heaps[schemaId] = heap;
        t_lastSchemaId = schemaId;
        t_lastHeap = heap;
    }
}
