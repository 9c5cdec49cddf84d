namespace Memory.Runtime.Tests.Tracking;

/// <summary>
/// Tests that change process-wide settings (leak report output, default mode, shutdown) run in this
/// collection: alone, after the parallel ones, so no other test sees their settings.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideStateCollection
{
    public const string Name = "Process-wide memory settings";
}
