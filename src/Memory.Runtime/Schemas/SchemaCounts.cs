namespace Memory.Schemas;

/// <summary>What a schema that keeps its own counts (<see cref="IAllocationSchema.KeepsCounts"/>) has counted.</summary>
/// <param name="Bytes">Usable bytes of the live blocks.</param>
/// <param name="Allocations">Blocks allocated since the schema was made.</param>
/// <param name="Frees">Blocks freed since the schema was made.</param>
/// <param name="Peak">The highest <paramref name="Bytes"/> reached since the schema was made or its peak was reset.</param>
public readonly record struct SchemaCounts(long Bytes, long Allocations, long Frees, long Peak);
