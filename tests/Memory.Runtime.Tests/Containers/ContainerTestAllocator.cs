using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Containers;

/// <summary>A fresh allocator over the C heap whose counts start at zero, so a test can prove every byte came back.</summary>
internal sealed class ContainerTestAllocator : AllocatorBase<OSSchema>
{
    private static int s_created;

    public ContainerTestAllocator(bool isChecked = false)
        : base($"ContainerTestAllocator{Interlocked.Increment(ref s_created)}", "Container tests", default)
    {
        // Counts must be exact whatever the process-wide default or MEMORY_TRACKING says.
        if (Records.Mode < TrackingMode.Counters)
            Records.Mode = TrackingMode.Counters;
        IsChecked = isChecked;
    }

    public long LiveAllocations => Records.LiveAllocations;
}
