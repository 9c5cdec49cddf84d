using Memory.Diagnostics;

namespace Memory.Runtime.Tests.Reliability;

// A double free on purpose: the switch that lets it through is what is under test.
#pragma warning disable MEM0007, MEM0030, MEM0031

/// <summary>
/// The child-process half of <see cref="DoubleFreeSwitchTests"/>: frees a block twice in default mode, on a pool or
/// on the system allocator (a small block, which goes to the thread's cache), and prints whether the allocator refused
/// the second free, and if not, what it then does with the block.
/// </summary>
internal static class DoubleFreeSwitchProbe
{
    public const string Refused = "refused: DoubleFree";
    public const string Accepted = "accepted";
    public const string HandedOutTwice = "handed out twice";

    public static int Run(string kind)
    {
        AllocatorManager.LeakReportOutput = null;
        AllocatorBase allocator = kind switch
        {
            "Pool" => new PoolAllocator("SwitchProbe", Schemas.PoolSchemaOptions.Default),
            "System" => new SystemAllocator(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        nint block = allocator.Allocate(48);
        allocator.DeAllocate(block);
        try
        {
            allocator.DeAllocate(block);
        }
        catch (AllocatorMisuseException e) when (e.Kind == MisuseKind.DoubleFree)
        {
            Console.WriteLine(Refused);
            allocator.Dispose();
            return 0;
        }

        Console.WriteLine(Accepted);
        // The block is on its free list twice, linked to itself: the next two allocations both get it. The list is
        // broken from then on (it went on through the link the first hand-out cleared), so the allocator is not touched
        // again, not even disposed, which would walk the list: the process just exits.
        nint first = allocator.Allocate(48);
        nint second = allocator.Allocate(48);
        if (first == block && second == block)
            Console.WriteLine(HandedOutTwice);
        return 0;
    }
}
