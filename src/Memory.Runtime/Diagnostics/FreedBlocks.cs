namespace Memory.Diagnostics;

/// <summary>
/// The blocks a checked allocator freed most recently, so that a second free of one is reported as a
/// double free (with the block's call site) rather than as a pointer the allocator never saw.
/// </summary>
/// <remarks>
/// Bounded: the oldest entries are forgotten first. A block handed out again is forgotten at once, so
/// freeing the new block is not mistaken for a double free.
/// </remarks>
internal sealed class FreedBlocks
{
    public const int Capacity = 4096;

    private readonly Dictionary<nint, (string CallSite, long Order)> _blocks = [];
    private readonly Queue<(nint Address, long Order)> _order = new();
    private long _next;

    public void Remember(nint address, string callSite)
    {
        lock (_blocks)
        {
            long order = ++_next;
            _blocks[address] = (callSite, order);
            _order.Enqueue((address, order));
            while (_order.Count > Capacity)
            {
                var (oldest, oldestOrder) = _order.Dequeue();
                // Only forget the entry this queue slot added, not a later free of the same address.
                if (_blocks.TryGetValue(oldest, out var entry) && entry.Order == oldestOrder)
                    _blocks.Remove(oldest);
            }
        }
    }

    public void Forget(nint address)
    {
        lock (_blocks)
            _blocks.Remove(address);
    }

    public bool TryGet(nint address, out string callSite)
    {
        lock (_blocks)
        {
            bool found = _blocks.TryGetValue(address, out var entry);
            callSite = entry.CallSite;
            return found;
        }
    }
}
