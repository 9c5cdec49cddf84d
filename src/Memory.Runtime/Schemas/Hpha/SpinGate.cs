using System.Runtime.CompilerServices;

namespace Memory.Schemas.Hpha;

/// <summary>
/// A test-and-set lock for the heap's very short critical sections (a free-list push or pop, a tree
/// search). Uncontended it costs one compare-exchange to enter and a plain store to leave, which is why
/// it is used instead of <see cref="Monitor"/>; contended, it spins briefly and then yields its time slice
/// so that a preempted owner can finish (the machine may have fewer cores than threads).
/// </summary>
internal struct SpinGate
{
    private int _taken;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enter()
    {
        if (Interlocked.CompareExchange(ref _taken, 1, 0) != 0)
            EnterContended();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Exit() => Volatile.Write(ref _taken, 0);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterContended()
    {
        var spinner = new SpinWait();
        do
        {
            // Sleep(1) would park a waiter for a whole millisecond; yielding is enough to let the owner run.
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        while (Volatile.Read(ref _taken) != 0 || Interlocked.CompareExchange(ref _taken, 1, 0) != 0);
    }
}
