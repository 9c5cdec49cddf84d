using System.Runtime.CompilerServices;

namespace Memory.Buffers;

/// <summary>
/// One thread's own slots in a <see cref="BlockCache"/>, one block per size class, that the thread takes from
/// and puts into with plain reads and writes: no interlocked operation, which is what makes a rent and a
/// return on one thread as cheap as <see cref="System.Buffers.ArrayPool{T}.Shared"/>'s thread-local arrays.
/// </summary>
/// <remarks>
/// Another thread (a trim, the pool's dispose) must still be able to take the blocks without ever handing one
/// out twice. It does so with an asymmetric handshake: it marks the slots revoked, runs a process-wide memory
/// barrier (which orders the owner's pending writes and reads on every processor, so the owner pays no fence
/// of its own), waits until the owner is not between its busy marks, and only then empties the slots. An
/// owner that enters afterwards sees the revocation and leaves the slots alone.
/// </remarks>
internal sealed class ThreadBlocks(BlockCache cache)
{
    // In the object rather than in an array of its own: a rent and a return reach their slot with one load less.
    private Slots _slots;
    private int _busy;
    private volatile bool _revoked;

    public BlockCache Cache { get; } = cache;

    /// <summary>The thread that owns the slots; once it has ended, its slots are emptied for good at the next trim.</summary>
    public Thread Owner { get; } = Thread.CurrentThread;

    /// <summary>The block kept for <paramref name="sizeClass"/>, or 0; on the owning thread only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public nint TryTake(int sizeClass)
    {
        Volatile.Write(ref _busy, 1);
        nint block = 0;
        if (!_revoked)
        {
            block = _slots[sizeClass];
            if (block != 0)
                _slots[sizeClass] = 0;
        }
        Volatile.Write(ref _busy, 0);
        return block;
    }

    /// <summary>Keeps <paramref name="block"/> when the class's slot is free; on the owning thread only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryKeep(int sizeClass, nint block)
    {
        Volatile.Write(ref _busy, 1);
        bool kept = false;
        if (!_revoked && _slots[sizeClass] == 0)
        {
            _slots[sizeClass] = block;
            kept = true;
        }
        Volatile.Write(ref _busy, 0);
        return kept;
    }

    /// <summary>First half of emptying from another thread: stop the owner from using the slots.</summary>
    /// <remarks>The caller runs <see cref="Interlocked.MemoryBarrierProcessWide"/> once for all the slots it revokes.</remarks>
    public void Revoke() => _revoked = true;

    /// <summary>
    /// Second half, after the process-wide barrier: waits for the owner to leave the slots, hands every block to
    /// <paramref name="free"/>, and lets the owner use the slots again unless <paramref name="forGood"/>.
    /// </summary>
    public void Empty(Action<int, nint> free, bool forGood)
    {
        SpinWait spin = default;
        while (Volatile.Read(ref _busy) != 0)
            spin.SpinOnce();
        for (int c = 0; c < BlockCache.ClassCount; c++)
        {
            nint block = _slots[c];
            if (block == 0)
                continue;
            _slots[c] = 0;
            free(c, block);
        }
        if (!forGood)
            _revoked = false;
    }

    /// <summary>The bytes kept, read without the handshake: a snapshot for reports.</summary>
    public long Bytes
    {
        get
        {
            long bytes = 0;
            for (int c = 0; c < BlockCache.ClassCount; c++)
            {
                if (Volatile.Read(ref _slots[c]) != 0)
                    bytes += BlockCache.SizeOf(c);
            }
            return bytes;
        }
    }

    [InlineArray(BlockCache.ClassCount)]
    private struct Slots
    {
        private nint _first;
    }
}
