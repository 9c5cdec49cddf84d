using System.Runtime.CompilerServices;
using Memory.Internal;

namespace Memory.Buffers;

/// <summary>
/// One thread's own slots in a <see cref="BlockCache"/>, one block per size class, that the thread takes from
/// and puts into with plain reads and writes: no interlocked operation, which is what makes a rent and a
/// return on one thread as cheap as <see cref="System.Buffers.ArrayPool{T}.Shared"/>'s thread-local arrays.
/// </summary>
/// <remarks>
/// <para>
/// The owner reaches its slots without a thread-static read where it can: the main thread through the cache's
/// field, another thread by the page of its stack (<see cref="StackBoundCache"/>; a thread that starts on an
/// exited owner's stack uses the exited one's slots until the next trim takes them back).
/// </para>
/// <para>
/// Another thread (a trim, the pool's dispose) must still be able to take the blocks without ever handing one
/// out twice. It does so with an asymmetric handshake: it marks the slots revoked, runs a process-wide memory
/// barrier (which orders the owner's pending writes and reads on every processor, so the owner pays no fence
/// of its own), waits until the owner is not between its busy marks, and only then empties the slots. An
/// owner that enters afterwards sees the revocation and leaves the slots alone. The busy mark is the one a use
/// found by address raises (<see cref="StackBoundCache.TryEnter"/>), which the owner's other ways raise too
/// (<see cref="StackBoundCache.EnterAsOwner"/>): one mark, however the slots were found.
/// </para>
/// </remarks>
internal sealed class ThreadBlocks(BlockCache cache) : StackBoundCache
{
    // In the object rather than in an array of its own: a rent and a return reach their slot with one load less.
    private Slots _slots;
    private volatile bool _revoked;

    public BlockCache Cache { get; } = cache;

    /// <summary>The thread that owns the slots; once it has ended, its slots are emptied for good at the next trim.</summary>
    public Thread Owner { get; } = Thread.CurrentThread;

    /// <summary>The block kept for <paramref name="sizeClass"/>, or 0; by the user that entered the slots.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public nint TryTake(int sizeClass)
    {
        nint block = 0;
        if (!_revoked)
        {
            block = _slots[sizeClass];
            if (block != 0)
                _slots[sizeClass] = 0;
        }
        return block;
    }

    /// <summary>Keeps <paramref name="block"/> when the class's slot is free; by the user that entered the slots.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryKeep(int sizeClass, nint block)
    {
        if (_revoked || _slots[sizeClass] != 0)
            return false;
        _slots[sizeClass] = block;
        return true;
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
        // The user inside is a living thread between two of its own stores (the owner, or the one thread on an exited
        // owner's stack): it leaves within a few instructions once it runs.
        SpinWait spin = default;
        while (IsBusy)
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
