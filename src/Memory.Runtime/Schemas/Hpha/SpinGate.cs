using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Memory.Schemas.Hpha;

/// <summary>
/// A test-and-set lock for the heap's short critical sections (a batch of free-list pops or pushes, a tree search).
/// Uncontended it costs one compare-exchange to enter and one exchange (and a load) to leave, which is why it is used
/// instead of <see cref="Monitor"/>; contended, it spins for about a microsecond, then sleeps until the holder leaves.
/// </summary>
/// <remarks>
/// Sleeping rather than spinning on: on a machine with fewer cores than runnable threads the holder may have been
/// descheduled, and a waiter that keeps spinning or yielding only burns the time slice the holder needs. Sleepers wait
/// on one monitor shared by every gate (contention that outlasts a microsecond is rare, so it is not worth a wait
/// object per gate), and the holder pulses it on leaving when it sees a sleeper. The release and the count of sleepers
/// are each followed by a full fence, so either the holder sees the sleeper or the sleeper sees the gate free: no
/// wake-up is lost (a pulse wakes every sleeper, whichever gate it waits for, and each looks at its own gate again);
/// the wait's one-millisecond timeout is only a backstop.
/// </remarks>
internal struct SpinGate
{
    private static readonly object s_sleepers = new();

    private int _taken;
    private int _sleeping;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enter()
    {
        if (Interlocked.CompareExchange(ref _taken, 1, 0) != 0)
            EnterContended();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Exit()
    {
        // A full fence between the release and the look for sleepers: with a plain store, the processor may read
        // _sleeping before the release is visible, miss a sleeper that has just counted itself and then failed to
        // take the gate, and leave it asleep until its timeout.
        Interlocked.Exchange(ref _taken, 0);
        if (Volatile.Read(ref _sleeping) != 0)
            WakeSleepers();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterContended()
    {
        long spinUntil = Stopwatch.GetTimestamp() + Math.Max(1, Stopwatch.Frequency / 1_000_000);
        do
        {
            Thread.SpinWait(8);
            if (Volatile.Read(ref _taken) == 0 && Interlocked.CompareExchange(ref _taken, 1, 0) == 0)
                return;
        }
        while (Stopwatch.GetTimestamp() < spinUntil);

        // The holder may be waiting for this core: give it a turn once before sleeping.
        Thread.Yield();
        if (Interlocked.CompareExchange(ref _taken, 1, 0) == 0)
            return;

        Interlocked.Increment(ref _sleeping);
        try
        {
            lock (s_sleepers)
            {
                while (Interlocked.CompareExchange(ref _taken, 1, 0) != 0)
                    Monitor.Wait(s_sleepers, millisecondsTimeout: 1);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _sleeping);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WakeSleepers()
    {
        lock (s_sleepers)
            Monitor.PulseAll(s_sleepers);
    }
}
