using Memory.Diagnostics;

namespace Memory.Runtime.Tests.Reliability;

// A double free on purpose: the switch that lets it through is what is under test.
#pragma warning disable MEM0007, MEM0030, MEM0031

/// <summary>
/// The child-process half of <see cref="DoubleFreeSwitchTests"/>: frees a pool block twice in default mode and prints
/// whether the pool refused the second free, and if not, what the pool then does with the block.
/// </summary>
internal static class DoubleFreeSwitchProbe
{
    public const string Refused = "refused: DoubleFree";
    public const string Accepted = "accepted";
    public const string HandedOutTwice = "handed out twice";

    public static int Run()
    {
        AllocatorManager.LeakReportOutput = null;
        var pool = new PoolAllocator("SwitchProbe", Schemas.PoolSchemaOptions.Default);
        nint block = pool.Allocate(48);
        pool.DeAllocate(block);
        try
        {
            pool.DeAllocate(block);
        }
        catch (AllocatorMisuseException e) when (e.Kind == MisuseKind.DoubleFree)
        {
            Console.WriteLine(Refused);
            pool.Dispose();
            return 0;
        }

        Console.WriteLine(Accepted);
        // The block is on its page's list twice, linked to itself: the next two allocations both get it. The list is
        // broken from then on (it went on through the link the first hand-out cleared), so the pool is not touched
        // again, not even disposed, which would walk the list: the process just exits.
        nint first = pool.Allocate(48);
        nint second = pool.Allocate(48);
        if (first == block && second == block)
            Console.WriteLine(HandedOutTwice);
        return 0;
    }
}
