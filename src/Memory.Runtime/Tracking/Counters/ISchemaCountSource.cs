using Memory.Schemas;

namespace Memory.Tracking.Counters;

/// <summary>
/// The counts of a schema that keeps its own (<see cref="IAllocationSchema.KeepsCounts"/>), which
/// <see cref="AllocationCounters"/> reports in place of counting.
/// </summary>
internal interface ISchemaCountSource
{
    /// <summary>The schema's counts now.</summary>
    SchemaCounts Read();

    /// <summary>Lowers the schema's peak to its present live bytes.</summary>
    void ResetPeak();
}
