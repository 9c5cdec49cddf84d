using Memory.Internal;
using Memory.Runtime.Tests.Testing;
using Memory.Runtime.Tests.Tracking.Probe;

namespace Memory.Runtime.Tests.Core;

/// <summary>
/// The main thread's own cache or pool, found from the stack address without a thread-static read
/// (<see cref="MainThreadStack"/>): only the main thread is recognised, it gets its own cache and no other thread's,
/// and the counts stay exact under traffic on it and other threads at once. Test runners run tests on other threads,
/// so the main thread's side runs in a child process.
/// </summary>
public sealed class MainThreadTests
{
    [Theory]
    [InlineData("System")]
    [InlineData("Heap")]
    [InlineData("ThreadPool")]
    [InlineData("MemoryPool")]
    public void The_main_thread_has_its_own_cache_holds_no_stack_slot_and_the_counts_stay_exact_under_traffic_from_every_thread(string kind)
    {
        var result = ChildProcess.Run(ProbeProgram.MainThread, [kind]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(MainThreadProbe.OthersNotRecognised, result.Output);
        Assert.Contains(MainThreadProbe.TrafficExact, result.Output);
        if (OperatingSystem.IsLinux())
        {
            Assert.Contains(MainThreadProbe.Recognised, result.Output);
            Assert.Contains(MainThreadProbe.OwnCache, result.Output);
            Assert.Contains(MainThreadProbe.NoStackSlot, result.Output);
        }
    }

    [Fact]
    public void A_thread_that_is_not_the_main_thread_is_not_recognised()
    {
        bool recognised = true;
        OnThread.Run(() => recognised = MainThreadStack.IsCurrent());

        Assert.False(recognised);
    }

    [Fact]
    public void On_Linux_the_main_threads_stack_is_found()
    {
        if (OperatingSystem.IsLinux())
            Assert.True(MainThreadStack.IsKnown);
    }
}
