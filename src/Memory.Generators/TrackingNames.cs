namespace Memory.Generators;

/// <summary>
/// Names of the pipeline steps, so tests can read each step's outputs and their cache state
/// (<c>Cached</c>, <c>Unchanged</c>, <c>Modified</c>, <c>New</c>, <c>Removed</c>).
/// </summary>
internal static class TrackingNames
{
    /// <summary>The model of each <c>[ClassAllocator]</c> type (with its <c>[TypeId]</c> part), null where nothing is generated.</summary>
    public const string ClassAllocatorModels = nameof(ClassAllocatorModels);

    /// <summary>The model of each <c>[TypeId]</c> type without <c>[ClassAllocator]</c>, null where nothing is generated.</summary>
    public const string TypeIdModels = nameof(TypeIdModels);

    /// <summary>The files: each model the clashes among all models leave standing (types claimed twice, GUIDs used twice, names equal but for case), with its hint name.</summary>
    public const string Outputs = nameof(Outputs);
}
