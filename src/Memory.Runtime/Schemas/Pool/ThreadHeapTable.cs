using System.Runtime.CompilerServices;
using Memory.Internal;

namespace Memory.Schemas.Pool;

/// <summary>
/// The calling thread's pools, one per <see cref="ThreadPoolSchema"/> instance it has used: a thread-static
/// <see cref="ThreadCacheList{TCache}"/>, in front of which sits the pool the thread used last.
/// </summary>
/// <remarks>
/// <para>
/// The thread-static way, taken when a call's stack page does not find the pool (see <see cref="ThreadPoolSchema"/>).
/// A thread mostly uses one pool schema at a time, so it checks the last-used entry first: two thread-static reads in
/// this non-generic class, which the JIT inlines to loads from the thread's TLS block after a lookup of that block (on
/// Linux a call into the C library, which is why the hot path avoids this table). The list is searched only when the
/// thread turns to another schema, which then becomes the last-used entry.
/// </para>
/// <para>
/// What a thread keeps: the list holds the pools of the schemas the thread has used that are not retired (their
/// allocator disposed). Entries are the pools' objects, which the slow path binds to the stack page, and each keeps
/// its pool's pinned storage and its schema's set alive; a retired schema's entry is dropped when the thread next
/// adds one, so a long-lived thread that works through many short-lived pool allocators holds the live ones, plus at
/// most the last one it used, rather than every one it ever touched. Ids start at 1 so that the default of the
/// last-used id matches no schema.
/// </para>
/// </remarks>
internal static class ThreadHeapTable
{
    [ThreadStatic]
    private static ThreadCacheList<ThreadHeap> t_heaps;

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
        ThreadHeap? heap = t_heaps.Find(schemaId);
        if (heap is not null)
        {
            t_lastSchemaId = schemaId;
            t_lastHeap = heap;
        }
        return heap;
    }

    /// <summary>Records the calling thread's pool for its schema, dropping the entries of retired schemas.</summary>
    public static void Set(ThreadHeap heap)
    {
        t_heaps.Add(heap);
        t_lastSchemaId = heap.Set.Id;
        t_lastHeap = heap;
    }

    /// <summary>The number of pools the calling thread's list holds (for tests).</summary>
    internal static int CountForTests => t_heaps.Count;
}
