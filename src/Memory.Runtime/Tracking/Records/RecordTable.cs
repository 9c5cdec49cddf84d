using System.Numerics;
using System.Runtime.CompilerServices;

namespace Memory.Tracking.Records;

/// <summary>
/// The live blocks of one allocator, keyed by address: open-addressing hash tables of struct entries,
/// split into stripes by a hash of the address, each behind a small spin lock, so threads freeing
/// different blocks rarely meet.
/// </summary>
/// <remarks>
/// Recording is on the path of every allocation and free in the record modes, so it is built for that:
/// entries are structs (recording allocates nothing beyond the table's growth), lookups probe linearly
/// from a Fibonacci hash (addresses are multiples of the alignment, so their low bits are useless alone),
/// removal shifts the following entries back instead of leaving tombstones, and the locks are held for a
/// few dozen instructions, where a spin costs less than a monitor. Even an allocator whose schema is not
/// thread-safe takes them: its callers serialise their calls, but a report may read from any thread.
/// </remarks>
internal sealed class RecordTable
{
    private readonly Stripe[] _stripes;
    private readonly int _stripeShift;

    public RecordTable(bool concurrent)
    {
        int count = concurrent ? (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(System.Environment.ProcessorCount * 4, 8, 64)) : 1;
        _stripes = new Stripe[count];
        for (int i = 0; i < count; i++)
            _stripes[i] = new Stripe();
        _stripeShift = 64 - BitOperations.Log2((uint)count);
    }

    /// <summary>Live entries.</summary>
    public int Count
    {
        get
        {
            int count = 0;
            foreach (var stripe in _stripes)
            {
                stripe.Enter();
                count += stripe.Count;
                stripe.Exit();
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
                stripe.Enter();
                bytes += stripe.RequestedBytes;
                stripe.Exit();
            }
            return bytes;
        }
    }

    /// <summary>Adds the entry of a live block; a stale entry at the same address (a block freed while records were off) is replaced.</summary>
    public void Add(nint address, in RecordEntry entry)
    {
        var stripe = StripeOf(address);
        stripe.Enter();
        try
        {
            stripe.Add(address, entry);
        }
        finally
        {
            stripe.Exit();
        }
    }

    public bool TryRemove(nint address, out RecordEntry entry)
    {
        var stripe = StripeOf(address);
        stripe.Enter();
        bool found = stripe.TryRemove(address, out entry);
        stripe.Exit();
        return found;
    }

    public bool TryGet(nint address, out RecordEntry entry)
    {
        var stripe = StripeOf(address);
        stripe.Enter();
        int index = stripe.Find(address);
        entry = index >= 0 ? stripe.Entries[index] : default;
        stripe.Exit();
        return index >= 0;
    }

    public bool Contains(nint address)
    {
        var stripe = StripeOf(address);
        stripe.Enter();
        bool found = stripe.Find(address) >= 0;
        stripe.Exit();
        return found;
    }

    /// <summary>Copies the live entries, in no particular order.</summary>
    public List<KeyValuePair<nint, RecordEntry>> Copy()
    {
        var copy = new List<KeyValuePair<nint, RecordEntry>>();
        foreach (var stripe in _stripes)
        {
            stripe.Enter();
            try
            {
                stripe.CopyTo(copy, plainOnly: false);
            }
            finally
            {
                stripe.Exit();
            }
        }
        return copy;
    }

    /// <summary>Forgets every plain block; guarded blocks stay, because freeing them needs their layout.</summary>
    public void ClearPlain()
    {
        var plain = new List<KeyValuePair<nint, RecordEntry>>();
        foreach (var stripe in _stripes)
        {
            stripe.Enter();
            try
            {
                plain.Clear();
                stripe.CopyTo(plain, plainOnly: true);
                foreach (var (address, _) in plain)
                    stripe.TryRemove(address, out _);
            }
            finally
            {
                stripe.Exit();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Stripe StripeOf(nint address)
    {
        if (_stripes.Length == 1)
            return _stripes[0];
        return _stripes[(int)(((ulong)address * 0x9E3779B97F4A7C15UL) >> _stripeShift)];
    }

    /// <summary>One lock and one linear-probing table.</summary>
    private sealed class Stripe
    {
        private const int InitialCapacity = 16;

        private int _locked;
        private nint[] _keys = new nint[InitialCapacity];   // 0 marks an empty slot: no block lives at address 0
        private int _shift = 64 - BitOperations.Log2(InitialCapacity);

        public RecordEntry[] Entries = new RecordEntry[InitialCapacity];
        public int Count;
        public long RequestedBytes;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Enter()
        {
            if (Interlocked.CompareExchange(ref _locked, 1, 0) != 0)
                EnterContended();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Exit() => Volatile.Write(ref _locked, 0);

        public int Find(nint address)
        {
            nint[] keys = _keys;
            int mask = keys.Length - 1;
            for (int i = Home(address); ; i = (i + 1) & mask)
            {
                nint key = keys[i];
                if (key == address)
                    return i;
                if (key == 0)
                    return -1;
            }
        }

        public void Add(nint address, in RecordEntry entry)
        {
            // Grow at half full: linear probing stays short below that.
            if (2 * (Count + 1) > _keys.Length)
                Grow();
            nint[] keys = _keys;
            int mask = keys.Length - 1;
            int i = Home(address);
            while (keys[i] != 0 && keys[i] != address)
                i = (i + 1) & mask;
            if (keys[i] == address)
                RequestedBytes -= Entries[i].RequestedSize;
            else
                Count++;
            keys[i] = address;
            Entries[i] = entry;
            RequestedBytes += entry.RequestedSize;
        }

        public bool TryRemove(nint address, out RecordEntry entry)
        {
            int hole = Find(address);
            if (hole < 0)
            {
                entry = default;
                return false;
            }
            entry = Entries[hole];
            RequestedBytes -= entry.RequestedSize;
            Count--;

            // Backward-shift deletion: move later entries of the run into the hole when their home allows.
            nint[] keys = _keys;
            int mask = keys.Length - 1;
            for (int next = (hole + 1) & mask; keys[next] != 0; next = (next + 1) & mask)
            {
                int home = Home(keys[next]);
                bool movable = hole <= next ? home <= hole || home > next : home <= hole && home > next;
                if (movable)
                {
                    keys[hole] = keys[next];
                    Entries[hole] = Entries[next];
                    hole = next;
                }
            }
            keys[hole] = 0;
            Entries[hole] = default;
            return true;
        }

        public void CopyTo(List<KeyValuePair<nint, RecordEntry>> copy, bool plainOnly)
        {
            nint[] keys = _keys;
            for (int i = 0; i < keys.Length; i++)
            {
                if (keys[i] != 0 && (!plainOnly || Entries[i].Layout == BlockLayout.Plain))
                    copy.Add(new KeyValuePair<nint, RecordEntry>(keys[i], Entries[i]));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private int Home(nint address) => (int)(((ulong)address * 0xC2B2AE3D27D4EB4FUL) >> _shift);

        private void Grow()
        {
            nint[] oldKeys = _keys;
            RecordEntry[] oldEntries = Entries;
            _keys = new nint[oldKeys.Length * 2];
            Entries = new RecordEntry[oldKeys.Length * 2];
            _shift--;
            int mask = _keys.Length - 1;
            for (int j = 0; j < oldKeys.Length; j++)
            {
                if (oldKeys[j] == 0)
                    continue;
                int i = Home(oldKeys[j]);
                while (_keys[i] != 0)
                    i = (i + 1) & mask;
                _keys[i] = oldKeys[j];
                Entries[i] = oldEntries[j];
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void EnterContended()
        {
            var spinner = new SpinWait();
            do
            {
                spinner.SpinOnce();
            }
            while (Volatile.Read(ref _locked) != 0 || Interlocked.CompareExchange(ref _locked, 1, 0) != 0);
        }
    }
}
