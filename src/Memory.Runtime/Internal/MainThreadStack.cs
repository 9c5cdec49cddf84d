using System.Globalization;
using System.Runtime.CompilerServices;

namespace Memory.Internal;

/// <summary>
/// Whether the calling thread is the process's main thread, told from the address of a local variable: how the
/// per-thread caches and pools find the main thread's own without a thread-static read.
/// </summary>
/// <remarks>
/// <para>
/// On Linux, a thread-static read in JIT-compiled code is a call into the C library's TLS lookup
/// (<c>__tls_get_addr</c>, seen in <c>DOTNET_JitDisasm</c>), and the registers live across it are saved around it.
/// An allocate-and-free pair makes two of them: about 4.5 ns of an 11 ns pair of <c>SystemAllocator</c>, measured by
/// replacing the read (docs/benchmarks.md, ninth round).
/// </para>
/// <para>
/// The main thread runs on the process's initial stack, the mapping that <c>/proc/self/maps</c> names
/// <c>[stack]</c>. No other thread ever runs on it, and the C library never gives it to a thread that starts later,
/// so a local variable's address inside it means the main thread: a subtraction and a comparison with two figures the
/// JIT folds in as constants. Other threads cannot be told apart this simply. When a thread exits, the C library keeps
/// its stack for the next thread that starts, so an address names a stack and not a thread, and a cache found by
/// address can reach a thread that never registered it: <see cref="StackBoundCache"/> is the protocol that makes that
/// safe, at two stores a call.
/// </para>
/// <para>
/// The range is read once, on first use. The stack grows down on demand: deeper than it had reached by then, the main
/// thread takes the thread-static way like any other thread, as every thread does where there is no
/// <c>/proc/self/maps</c> to read (other systems, or a sandbox that hides it).
/// </para>
/// </remarks>
internal static unsafe class MainThreadStack
{
    // The initial stack's lowest address and size; 0 and 0 (no address matches) when it is not known.
    private static readonly nuint s_low;
    private static readonly nuint s_size;

    static MainThreadStack()
    {
        if (OperatingSystem.IsLinux() && TryReadInitialStack(out nuint low, out nuint high))
        {
            s_low = low;
            s_size = high - low;
        }
    }

    /// <summary>Whether the caller runs on the main thread's stack, so is the main thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [SkipLocalsInit] // only the local's address matters: an initialised one cost two stores on every inlined copy
    public static bool IsCurrent()
    {
        byte local;
        return (nuint)(&local) - s_low < s_size;
    }

    /// <summary>Whether the initial stack was found, so that the main thread can be recognised (for tests).</summary>
    public static bool IsKnown => s_size != 0;

    // A line of /proc/self/maps: "7ffd1c5e2000-7ffd1c603000 rw-p 00000000 00:00 0    [stack]". Kernels before 4.5 also
    // named other threads' stacks "[stack:<tid>]"; those do not end the same way.
    private static bool TryReadInitialStack(out nuint low, out nuint high)
    {
        low = high = 0;
        try
        {
            foreach (string line in File.ReadLines("/proc/self/maps"))
            {
                if (!line.EndsWith(" [stack]", StringComparison.Ordinal))
                    continue;
                int dash = line.IndexOf('-');
                int space = line.IndexOf(' ');
                return dash > 0 && space > dash
                    && nuint.TryParse(line.AsSpan(0, dash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out low)
                    && nuint.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out high)
                    && high > low;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
        }
        return false;
    }
}
