using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Memory.Containers;

/// <summary>
/// A hash map from <typeparamref name="TKey"/> to <typeparamref name="TValue"/> in native memory from a
/// chosen allocator: the C# form of <c>AZStd::unordered_map</c> over <c>AZ::AZStdAlloc</c>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Layout.</b> Open addressing with Robin Hood linear probing: two native blocks of the same power-of-two
/// capacity, one of 32-bit hashes (0 marks an empty slot) and one of key/value entries. An entry that has
/// probed further than the one in its way takes that slot, which keeps probe lengths short and lets a
/// lookup stop early. Removal shifts the following entries back a slot (no tombstones), so a map that
/// churns never fills with dead slots.
/// </para>
/// <para>
/// <b>Load factor.</b> At most 75% of the slots are used: inserting past that doubles the capacity (at least
/// 8 slots) by allocating new blocks, re-inserting every entry and freeing the old blocks. Nothing is
/// allocated until the first insertion (or <see cref="EnsureCapacity"/>).
/// </para>
/// <para>
/// <b>Hashing.</b> <typeparamref name="TKey"/>'s own <see cref="object.GetHashCode"/> is mixed (all bits affect
/// the slot) so identity hashes such as <see cref="int"/>'s spread well. Keys compare with
/// <see cref="IEquatable{T}.Equals(T)"/>; both calls are direct, without boxing.
/// </para>
/// <para>
/// <b>Ownership and lifetime</b> as for <see cref="NativeList{T}"/>: a class, one owner disposes it, use
/// after <see cref="Dispose"/> throws <see cref="ObjectDisposedException"/>, a second <see cref="Dispose"/>
/// throws only when the allocator is in checked mode. Values are returned by copy, so nothing handed out
/// points into the map's memory. Unlike <see cref="Dictionary{TKey, TValue}"/>, <see cref="Remove(TKey)"/>
/// during an enumeration invalidates the enumerator (removal moves entries); overwriting a value with the
/// indexer does not. Not thread-safe.
/// </para>
/// </remarks>
/// <typeparam name="TKey">An unmanaged key type with value equality.</typeparam>
/// <typeparam name="TValue">An unmanaged value type.</typeparam>
public sealed class NativeHashMap<TKey, TValue> : IEnumerable<KeyValuePair<TKey, TValue>>, IDisposable
    where TKey : unmanaged, IEquatable<TKey>
    where TValue : unmanaged
{
    private const int MinimumCapacity = 8;
    private const int MaximumCapacity = 1 << 30;
    private const uint OccupiedBit = 0x8000_0000;

    private NativeBlock<uint> _hashes;
    private NativeBlock<Entry> _entries;
    private int _count;
    private int _growthLimit;
    private int _version;
    private bool _disposed;

    /// <summary>Creates an empty map.</summary>
    /// <param name="capacity">Entries to make room for now; not negative.</param>
    /// <param name="allocator">Where the memory comes from; the process-wide system allocator when null.</param>
    /// <param name="name">A label for the allocations in tracking reports.</param>
    /// <param name="file">The calling file, filled in by the compiler.</param>
    /// <param name="line">The calling line, filled in by the compiler.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative.</exception>
    /// <exception cref="OutOfMemoryException">The allocator cannot provide the memory.</exception>
    public NativeHashMap(int capacity = 0, IAllocator? allocator = null, string? name = null,
        [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _hashes = new NativeBlock<uint>(allocator ?? DefaultAllocator.Instance, name, file, line);
        _entries = _hashes.EmptyFromSameSource<Entry>();
        if (capacity > 0)
            Rehash(SlotsFor(capacity));
    }

    /// <summary>The allocator the map's memory comes from.</summary>
    public IAllocator Allocator => _hashes.Allocator;

    /// <summary>Whether <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>The number of entries.</summary>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public int Count
    {
        get
        {
            ThrowIfDisposed();
            return _count;
        }
    }

    /// <summary>The number of slots (a power of two, or 0 before the first insertion); at most 75% are used.</summary>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public int Capacity
    {
        get
        {
            ThrowIfDisposed();
            return _hashes.Capacity;
        }
    }

    /// <summary>The value of <paramref name="key"/>; setting adds the entry or replaces its value.</summary>
    /// <exception cref="KeyNotFoundException">Getting a key that is not in the map.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public TValue this[TKey key]
    {
        get
        {
            int slot = FindSlot(key);
            if (slot < 0)
                throw new KeyNotFoundException($"The key '{key}' is not in the map.");
            return _entries.ElementAt(slot).Value;
        }
        set => Insert(key, value, InsertBehavior.Overwrite);
    }

    /// <summary>Whether <paramref name="key"/> is in the map.</summary>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public bool ContainsKey(TKey key) => FindSlot(key) >= 0;

    /// <summary>Gets the value of <paramref name="key"/> if it is in the map.</summary>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public bool TryGetValue(TKey key, out TValue value)
    {
        int slot = FindSlot(key);
        if (slot < 0)
        {
            value = default;
            return false;
        }
        value = _entries.ElementAt(slot).Value;
        return true;
    }

    /// <summary>Adds the entry unless <paramref name="key"/> is already in the map.</summary>
    /// <returns>Whether the entry was added.</returns>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="OutOfMemoryException">The map must grow and the allocator cannot provide the memory.</exception>
    public bool TryAdd(TKey key, TValue value) => Insert(key, value, InsertBehavior.KeepExisting);

    /// <summary>Adds the entry.</summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is already in the map.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    /// <exception cref="OutOfMemoryException">The map must grow and the allocator cannot provide the memory.</exception>
    public void Add(TKey key, TValue value) => Insert(key, value, InsertBehavior.ThrowOnExisting);

    /// <summary>Removes <paramref name="key"/>'s entry.</summary>
    /// <returns>Whether the key was in the map.</returns>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public bool Remove(TKey key) => Remove(key, out _);

    /// <summary>Removes <paramref name="key"/>'s entry and returns its value.</summary>
    /// <returns>Whether the key was in the map.</returns>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public bool Remove(TKey key, out TValue value)
    {
        int slot = FindSlot(key);
        if (slot < 0)
        {
            value = default;
            return false;
        }
        value = _entries.ElementAt(slot).Value;

        // Backward shift: pull each following entry that is not in its home slot one slot closer to home.
        int mask = _hashes.Capacity - 1;
        int next = (slot + 1) & mask;
        while (true)
        {
            uint hash = _hashes.ElementAt(next);
            if (hash == 0 || DistanceFromHome(hash, next, mask) == 0)
                break;
            _hashes.ElementAt(slot) = hash;
            _entries.ElementAt(slot) = _entries.ElementAt(next);
            slot = next;
            next = (next + 1) & mask;
        }
        _hashes.ElementAt(slot) = 0;
        _count--;
        _version++;
        return true;
    }

    /// <summary>Removes every entry; the capacity is kept.</summary>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public void Clear()
    {
        ThrowIfDisposed();
        _hashes.AsSpan(0, _hashes.Capacity).Clear();
        _count = 0;
        _version++;
    }

    /// <summary>Makes room for at least <paramref name="capacity"/> entries without further growth.</summary>
    /// <returns>The number of entries the map now holds before it grows.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative or too large.</exception>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public int EnsureCapacity(int capacity)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        if (capacity > _growthLimit)
            Rehash(SlotsFor(capacity));
        return _growthLimit;
    }

    /// <summary>An enumerator over the entries, in slot order (no particular order).</summary>
    /// <exception cref="ObjectDisposedException">The map is disposed.</exception>
    public Enumerator GetEnumerator()
    {
        ThrowIfDisposed();
        return new Enumerator(this);
    }

    IEnumerator<KeyValuePair<TKey, TValue>> IEnumerable<KeyValuePair<TKey, TValue>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Returns the memory to the allocator. See the class remarks for a second call.</summary>
    /// <exception cref="ObjectDisposedException">A second call while the allocator is in checked mode.</exception>
    public void Dispose()
    {
        if (_disposed)
        {
            ContainerChecks.OnSecondDispose(this, _hashes.Allocator);
            return;
        }
        _disposed = true;
        _count = 0;
        _growthLimit = 0;
        _version++;
        _hashes.Free();
        _entries.Free();
    }

    /// <summary>The slot holding <paramref name="key"/>, or -1.</summary>
    private int FindSlot(TKey key)
    {
        if (_count == 0)
        {
            // Also the path of every call after Dispose, which leaves the map empty.
            ThrowIfDisposed();
            return -1;
        }

        uint hash = HashOf(key);
        int mask = _hashes.Capacity - 1;
        int slot = (int)hash & mask;
        for (int distance = 0; ; distance++)
        {
            uint stored = _hashes.ElementAt(slot);
            if (stored == 0)
                return -1;
            if (stored == hash && _entries.ElementAt(slot).Key.Equals(key))
                return slot;
            // An entry closer to its home than we are to ours: Robin Hood would have placed the key before it.
            if (DistanceFromHome(stored, slot, mask) < distance)
                return -1;
            slot = (slot + 1) & mask;
        }
    }

    private bool Insert(TKey key, TValue value, InsertBehavior behavior)
    {
        int slot = FindSlot(key);
        if (slot >= 0)
        {
            if (behavior == InsertBehavior.ThrowOnExisting)
                throw new ArgumentException($"The key '{key}' is already in the map.", nameof(key));
            if (behavior == InsertBehavior.KeepExisting)
                return false;
            _entries.ElementAt(slot).Value = value;
            return true;
        }

        if (_count >= _growthLimit)
            Rehash(_hashes.Capacity == 0 ? MinimumCapacity : checked(_hashes.Capacity * 2));
        Place(HashOf(key), new Entry { Key = key, Value = value });
        _count++;
        _version++;
        return true;
    }

    /// <summary>Puts an entry known to be absent into the table, displacing entries nearer their home.</summary>
    private void Place(uint hash, Entry entry)
    {
        int mask = _hashes.Capacity - 1;
        int slot = (int)hash & mask;
        int distance = 0;
        while (true)
        {
            ref uint stored = ref _hashes.ElementAt(slot);
            if (stored == 0)
            {
                stored = hash;
                _entries.ElementAt(slot) = entry;
                return;
            }

            int storedDistance = DistanceFromHome(stored, slot, mask);
            if (storedDistance < distance)
            {
                // Take from the rich: the carried entry settles here and the displaced one moves on.
                (stored, hash) = (hash, stored);
                (_entries.ElementAt(slot), entry) = (entry, _entries.ElementAt(slot));
                distance = storedDistance;
            }
            slot = (slot + 1) & mask;
            distance++;
        }
    }

    /// <summary>Moves every entry into new blocks of <paramref name="capacity"/> slots and frees the old ones.</summary>
    private void Rehash(int capacity)
    {
        var hashes = _hashes.EmptyFromSameSource<uint>();
        var entries = _hashes.EmptyFromSameSource<Entry>();
        try
        {
            hashes.Resize(capacity);
            entries.Resize(capacity);
        }
        catch
        {
            // The map keeps its old blocks and stays usable.
            hashes.Free();
            entries.Free();
            throw;
        }
        hashes.AsSpan(0, capacity).Clear();

        var oldHashes = _hashes;
        var oldEntries = _entries;
        _hashes = hashes;
        _entries = entries;
        _growthLimit = capacity - capacity / 4;
        for (int slot = 0; slot < oldHashes.Capacity; slot++)
        {
            uint hash = oldHashes.ElementAt(slot);
            if (hash != 0)
                Place(hash, oldEntries.ElementAt(slot));
        }
        oldHashes.Free();
        oldEntries.Free();
        _version++;
    }

    /// <summary>The number of slots that holds <paramref name="entries"/> within the load factor.</summary>
    private static int SlotsFor(int entries)
    {
        long needed = Math.Max(MinimumCapacity, ((long)entries * 4 + 2) / 3);
        if (needed > MaximumCapacity)
            throw new ArgumentOutOfRangeException(nameof(entries), entries, $"A map holds at most {MaximumCapacity - MaximumCapacity / 4} entries.");
        return (int)BitOperations.RoundUpToPowerOf2((uint)needed);
    }

    /// <summary>The key's hash, finalised (murmur3's mixer) and marked occupied so that 0 can mean empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint HashOf(TKey key)
    {
        uint hash = (uint)key.GetHashCode();
        hash ^= hash >> 16;
        hash *= 0x85EB_CA6B;
        hash ^= hash >> 13;
        hash *= 0xC2B2_AE35;
        hash ^= hash >> 16;
        return hash | OccupiedBit;
    }

    /// <summary>How far <paramref name="slot"/> is past the home slot of an entry with <paramref name="hash"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DistanceFromHome(uint hash, int slot, int mask) => (slot - (int)hash) & mask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfDisposed()
    {
        if (_disposed)
            ThrowDisposed();
    }

    [DoesNotReturn]
    private void ThrowDisposed() => throw new ObjectDisposedException(GetType().Name, ContainerChecks.DisposedMessage);

    private enum InsertBehavior
    {
        Overwrite,
        KeepExisting,
        ThrowOnExisting,
    }

    private struct Entry
    {
        public TKey Key;
        public TValue Value;
    }

    /// <summary>Enumerates the entries as copies.</summary>
    /// <remarks>
    /// <see cref="MoveNext"/> throws <see cref="InvalidOperationException"/> if an entry was added or removed
    /// during the enumeration, and <see cref="ObjectDisposedException"/> if the map was disposed.
    /// </remarks>
    public struct Enumerator : IEnumerator<KeyValuePair<TKey, TValue>>
    {
        private readonly NativeHashMap<TKey, TValue> _map;
        private readonly int _version;
        private int _slot;
        private KeyValuePair<TKey, TValue> _current;

        internal Enumerator(NativeHashMap<TKey, TValue> map)
        {
            _map = map;
            _version = map._version;
            _slot = -1;
            _current = default;
        }

        /// <summary>The current entry.</summary>
        public readonly KeyValuePair<TKey, TValue> Current => _current;

        readonly object IEnumerator.Current => _current;

        /// <summary>Moves to the next entry.</summary>
        /// <exception cref="InvalidOperationException">An entry was added or removed during the enumeration.</exception>
        /// <exception cref="ObjectDisposedException">The map was disposed during the enumeration.</exception>
        public bool MoveNext()
        {
            if (_version != _map._version)
            {
                _map.ThrowIfDisposed();
                throw new InvalidOperationException("The map was changed during the enumeration.");
            }

            int capacity = _map._hashes.Capacity;
            while (++_slot < capacity)
            {
                if (_map._hashes.ElementAt(_slot) != 0)
                {
                    ref Entry entry = ref _map._entries.ElementAt(_slot);
                    _current = new KeyValuePair<TKey, TValue>(entry.Key, entry.Value);
                    return true;
                }
            }
            _slot = capacity;
            return false;
        }

        /// <summary>Starts the enumeration again.</summary>
        public void Reset()
        {
            _slot = -1;
            _current = default;
        }

        /// <summary>Does nothing: the enumerator holds no resources.</summary>
        public readonly void Dispose()
        {
        }
    }
}
