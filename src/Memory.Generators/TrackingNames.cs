namespace Memory.Generators;

/// <summary>
/// Names of the pipeline steps, so tests can read each step's outputs and their cache state
/// (<c>Cached</c>, <c>Unchanged</c>, <c>Modified</c>, <c>New</c>, <c>Removed</c>).
/// </summary>
internal static class TrackingNames
{
    /// <summary>The model of each <c>[ClassAllocator]</c> type, null where nothing is generated.</summary>
    public const string ClassAllocatorModels = nameof(ClassAllocatorModels);

    /// <summary>The hint names claimed twice among <c>[ClassAllocator]</c> models (an attribute on two parts of a type).</summary>
    public const string ClassAllocatorConflicts = nameof(ClassAllocatorConflicts);

    /// <summary>The <c>[ClassAllocator]</c> models that are emitted.</summary>
    public const string ClassAllocatorOutputs = nameof(ClassAllocatorOutputs);

    /// <summary>The model of each <c>[TypeId]</c> type, null where nothing is generated.</summary>
    public const string TypeIdModels = nameof(TypeIdModels);

    /// <summary>The hint names to skip among <c>[TypeId]</c> models: duplicate GUIDs and duplicate types.</summary>
    public const string TypeIdConflicts = nameof(TypeIdConflicts);

    /// <summary>The <c>[TypeId]</c> models that are emitted.</summary>
    public const string TypeIdOutputs = nameof(TypeIdOutputs);
}
