using Memory.Runtime.Tests.Tracking.Probe;

namespace Memory.Runtime.Tests.Core;

/// <summary>
/// A thread that starts on an exited thread's stack finds that thread's cache by address (<c>SystemAllocator</c>'s and
/// <c>HeapAllocator</c>'s caches, <c>ThreadPoolAllocator</c>'s pool, <c>AllocatorMemoryPool</c>'s thread slots), and the
/// cache's retirement (the pool's orphaning, the memory pool's trim) waits for it (see <see cref="Internal.StackBoundCache"/>): run in a child process, so that a
/// corrupted cache that crashes fails this test rather than the test run.
/// </summary>
public sealed class StackReuseTests
{
    [Theory]
    [InlineData("System")]
    [InlineData("Heap")]
    [InlineData("ThreadPool")]
    [InlineData("MemoryPool")]
    public void Threads_on_reused_stacks_enter_their_predecessors_caches_and_retirement_under_them_loses_no_block(string kind)
    {
        var result = ChildProcess.Run(ProbeProgram.StackReuse, [kind]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(StackReuseProbe.TrafficExact, result.Output);
        // The C library on Linux keeps an exited thread's stack for the next: the case the protocol exists for.
        if (OperatingSystem.IsLinux())
            Assert.Contains(StackReuseProbe.Adopted, result.Output);
    }
}
