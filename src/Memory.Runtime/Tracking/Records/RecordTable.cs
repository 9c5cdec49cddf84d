using System.Numerics;
using System.Runtime.CompilerServices;

namespace Memory.Tracking.Records;

/// <summary>
/// The live blocks of one allocator, keyed by address: dictionaries of struct entries split into
/// lock stripes by a hash of the address, so threads freeing different blocks rarely meet.
/// </summary>
/// <remarks>
/// Entries are structs so that recording a block allocates nothing beyond the dictionary's own growth.
/// Even an allocator whose schema is not thread-safe takes the stripe's lock: its callers serialise
/// their calls, but a report may read the table from any thread.
/// </remarks>
internal sealed class RecordTable
{
    private readonly Stripe[] _stripes;
    private readonly int _shift;

    public RecordTable(bool concurrent)
    {
        int count = concurrent ? (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(System.Environment.ProcessorCount * 4, 8, 64)) : 1;
        _stripes = new Stripe[count];
        for (int i = 0; i < count; i++)
            _stripes[i] = new Stripe();
        _shift = 64 - BitOperations.Log2((uint)count);
    }

    /// <summary>Live entries.</summary>
    public int Count
    {
        get
        {
            int count = 0;
            foreach (var stripe in _stripes)
            {
                lock (stripe)
                    count += stripe.Map.Count;
            }
            return count;
        }
    }

    /// <summary>Requested bytes of the live entries.</summary>
    public long RequestedBytes
    {
        get
        {
            long bytes = 0;
            foreach (var stripe in _stripes)
            {
                lock (stripe)
                    bytes += stripe.RequestedBytes;
            }
            return bytes;
        }
    }

    public void Add(nint address, in RecordEntry entry)
    {
        var stripe = StripeOf(address);
        lock (stripe)
        {
            // An address can only be live once; a stale entry (block freed while records were off) is replaced.
            if (stripe.Map.Remove(address, out var stale))
                stripe.RequestedBytes -= stale.RequestedSize;
            stripe.Map.Add(address, entry);
            stripe.RequestedBytes += entry.RequestedSize;
        }
    }

    public bool TryRemove(nint address, out RecordEntry entry)
    {
        var stripe = StripeOf(address);
        lock (stripe)
        {
            if (!stripe.Map.Remove(address, out entry))
                return false;
            stripe.RequestedBytes -= entry.RequestedSize;
            return true;
        }
    }

    public bool TryGet(nint address, out RecordEntry entry)
    {
        var stripe = StripeOf(address);
        lock (stripe)
            return stripe.Map.TryGetValue(address, out entry);
    }

    public bool Contains(nint address)
    {
        var stripe = StripeOf(address);
        lock (stripe)
            return stripe.Map.ContainsKey(address);
    }

    /// <summary>Copies the live entries, in no particular order.</summary>
    public List<KeyValuePair<nint, RecordEntry>> Copy()
    {
        var copy = new List<KeyValuePair<nint, RecordEntry>>();
        foreach (var stripe in _stripes)
        {
            lock (stripe)
                copy.AddRange(stripe.Map);
        }
        return copy;
    }

    /// <summary>Forgets every plain block; guarded blocks stay, because freeing them needs their layout.</summary>
    public void ClearPlain()
    {
        foreach (var stripe in _stripes)
        {
            lock (stripe)
            {
                List<nint>? plain = null;
                foreach (var (address, entry) in stripe.Map)
                {
                    if (entry.Layout == BlockLayout.Plain)
                        (plain ??= []).Add(address);
                }
                if (plain is null)
                    continue;
                foreach (var address in plain)
                {
                    stripe.Map.Remove(address, out var removed);
                    stripe.RequestedBytes -= removed.RequestedSize;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Stripe StripeOf(nint address)
    {
        if (_stripes.Length == 1)
            return _stripes[0];
        // Fibonacci hashing: the low bits of addresses are alignment zeros, the high bits carry the spread.
        ulong hash = (ulong)address * 0x9E3779B97F4A7C15UL;
        return _stripes[(int)(hash >> _shift)];
    }

    private sealed class Stripe
    {
        public readonly Dictionary<nint, RecordEntry> Map = [];
        public long RequestedBytes;
    }
}
