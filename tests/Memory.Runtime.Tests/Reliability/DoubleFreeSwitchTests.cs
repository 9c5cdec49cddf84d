using Memory.Diagnostics;
using Memory.Runtime.Tests.Tracking.Probe;

namespace Memory.Runtime.Tests.Reliability;

/// <summary>
/// MEMORY_DOUBLE_FREE_CHECK: the default-mode double-free check is on unless the variable turns it off, and the
/// variable is read (each case in a child process, since the switch is read once per process).
/// </summary>
public sealed class DoubleFreeSwitchTests
{
    [Theory]
    [InlineData("Pool")]
    [InlineData("System")]
    public void By_default_a_second_free_is_refused(string kind)
    {
        var result = ChildProcess.Run(ProbeProgram.DoubleFree, [kind]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(DoubleFreeSwitchProbe.Refused, result.Output);
    }

    [Theory]
    [InlineData("Pool", "0")]
    [InlineData("Pool", "false")]
    [InlineData("System", "0")]
    public void Switched_off_the_second_free_is_taken_and_the_block_handed_out_twice(string kind, string value)
    {
        var result = ChildProcess.Run(ProbeProgram.DoubleFree, [kind], new Dictionary<string, string> { [FreedBlockKey.Variable] = value });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(DoubleFreeSwitchProbe.Refused, result.Output);
        Assert.Contains(DoubleFreeSwitchProbe.Accepted, result.Output);
        Assert.Contains(DoubleFreeSwitchProbe.HandedOutTwice, result.Output);
    }

    [Fact]
    public void Any_other_value_leaves_the_check_on()
    {
        var result = ChildProcess.Run(ProbeProgram.DoubleFree, ["Pool"], new Dictionary<string, string> { [FreedBlockKey.Variable] = "1" });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(DoubleFreeSwitchProbe.Refused, result.Output);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("1", true)]
    [InlineData("on", true)]
    [InlineData("0", false)]
    [InlineData(" FALSE ", false)]
    [InlineData("False", false)]
    public void The_variable_is_read_as_documented(string? value, bool enabled)
        => Assert.Equal(enabled, FreedBlockKey.IsEnabled(value));
}
