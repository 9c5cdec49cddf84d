namespace Memory.Tracking.Counters;

/// <summary>
/// Hands out the small integers that index each thread's table of counter cells: one slot per live
/// set of striped counters, returned when its allocator is disposed and reused after that.
/// </summary>
/// <remarks>
/// A thread may still hold a cell of the previous user of a slot; <see cref="AllocationCounters"/>
/// checks the cell's owner on every use, so reuse is never mistaken for a match.
/// </remarks>
internal static class CounterSlots
{
    private static readonly object Gate = new();
    private static Stack<int>? s_free; // created on first use, under Gate (rule MEM0003)
    private static int s_next;

    public static int Rent()
    {
        lock (Gate)
            return s_free is { Count: > 0 } free ? free.Pop() : s_next++;
    }

    public static void Return(int slot)
    {
        lock (Gate)
            (s_free ??= new()).Push(slot);
    }
}
