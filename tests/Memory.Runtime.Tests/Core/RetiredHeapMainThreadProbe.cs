using Memory.Internal;
using Memory.Schemas;

namespace Memory.Runtime.Tests.Core;

/// <summary>
/// The child-process half of <see cref="RetiredHeapCacheTests"/> for the main thread, whose cache its heap also keeps in
/// a field of its own (found from the stack's range): once the main thread gives back its cache of a retired heap, a free
/// it makes into that heap must not land in the cache given back, where no count or collection would see it again.
/// </summary>
internal static class RetiredHeapMainThreadProbe
{
    public const string Exact = "retired heap exact";

    private const int BlockSize = 64;

    public static int Run(string kind) => kind switch
    {
        "System" => Run(static () => new HphaSchema()),
        "Heap" => Run(static () => new HeapSchema()),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static int Run<TSchema>(Func<TSchema> create)
        where TSchema : struct, IAllocationSchema
    {
        if (!MainThreadStack.IsCurrent())
        {
            Console.WriteLine("the main thread was not recognised, so this probe shows nothing");
            return 1;
        }
        TSchema retired = create();
        Churn(retired);
        nint outlives = retired.Allocate(BlockSize, 0);
        retired.Retire();

        // The main thread adds a cache, and gives back its cache of the retired heap; then frees into that heap.
        Churn(create());
        retired.DeAllocate(outlives, BlockSize, 0);
        long afterFree = retired.NumAllocatedBytes;
        Churn(create());

        if (afterFree != 0 || retired.NumAllocatedBytes != 0 || retired.ReservedBytes != 0)
        {
            Console.WriteLine($"the retired heap holds {afterFree} then {retired.NumAllocatedBytes} bytes allocated, {retired.ReservedBytes} reserved");
            return 1;
        }
        Console.WriteLine(Exact);
        return 0;
    }

    private static void Churn<TSchema>(TSchema schema)
        where TSchema : struct, IAllocationSchema
    {
        var blocks = new nint[64];
        for (int i = 0; i < blocks.Length; i++)
            blocks[i] = schema.Allocate(BlockSize, 0);
        foreach (nint block in blocks)
            schema.DeAllocate(block, BlockSize, 0);
    }
}
