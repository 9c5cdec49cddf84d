using Memory.Runtime.Tests.Tracking.Probe;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Reliability;

/// <summary>Item 10 of the reliability work: allocator names in settings ignore case, as documented. Before, only the exact case matched.</summary>
public sealed class SettingsNameCaseTests
{
    [Fact]
    public void The_tracking_variable_matches_allocator_names_in_any_case()
    {
        var result = ChildProcess.Run(ProbeProgram.PrintSettings, new Dictionary<string, string>
        {
            [AllocatorManager.TrackingVariable] = $"{ProbeProgram.ProbeAllocatorName.ToLowerInvariant()}=Records,checked",
        });

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"{ProbeProgram.ProbeAllocatorName} Records checked=True", result.Output);
    }

    [Fact]
    public void Settings_by_name_apply_to_live_allocators_in_any_case()
    {
        string name = $"CaseProbe.{Guid.NewGuid():N}";
        using var allocator = new NamedHeapAllocator(name);
        AllocatorManager.SetTrackingMode(name.ToUpperInvariant(), TrackingMode.Records);
        Assert.Equal(TrackingMode.Records, allocator.Records.Mode);
    }
}
