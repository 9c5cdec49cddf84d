using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Memory.Schemas.Pool;

/// <summary>
/// Holds the memory of one <see cref="PoolHeap"/>: a pinned array, so the pool's address never moves (page headers
/// point to it) and the garbage collector frees it once nothing refers to the pool any more.
/// </summary>
/// <remarks>
/// The pages themselves are unmanaged and are not freed with this object: a schema that is dropped with live blocks
/// leaks them, as any allocator would. Schemas keep this object reachable for as long as they may use the pool.
/// </remarks>
internal sealed unsafe class PoolHeapMemory
{
    private readonly byte[] _storage;

    public PoolHeapMemory(in PoolLayout layout, PoolSchemaOptions options)
    {
        Options = options;
        _storage = GC.AllocateArray<byte>(PoolHeap.StorageBytes(layout), pinned: true);
        Heap = PoolHeap.Initialize((nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_storage)), layout);
    }

    /// <summary>The options the pool's layout came from.</summary>
    public PoolSchemaOptions Options { get; }

    /// <summary>The allocator the pool belongs to, named in the misuse it reports.</summary>
    public string? OwnerName { get; set; }

    /// <summary>The pool.</summary>
    public PoolHeap* Heap { get; }
}
