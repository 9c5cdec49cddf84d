namespace Memory.Generators.Model;

/// <summary>Everything generated for one attributed type: its one file.</summary>
/// <param name="Type">The attributed type.</param>
/// <param name="ClassAllocator">What <c>[ClassAllocator]</c> generates, or null.</param>
/// <param name="TypeId">What <c>[TypeId]</c> generates, or null.</param>
internal sealed record GeneratedTypeModel(TypeDeclarationModel Type, ClassAllocatorModel? ClassAllocator, TypeIdModel? TypeId);

/// <summary>What the generated types of a compilation say about each other: the clashes to avoid.</summary>
/// <param name="RepeatedTypes">Hint names claimed by more than one model (an attribute on two parts of one type): skipped.</param>
/// <param name="SharedIds">Hint names of types whose GUID another type uses too: their <c>[TypeId]</c> part is skipped.</param>
/// <param name="CaseCollisions">
/// Hint names, upper-cased, that two different types share when case is ignored (<c>Widget</c>, <c>WIDGET</c>):
/// those types' files take a hash suffix.
/// </param>
internal sealed record GenerationConflicts(
    EquatableArray<string> RepeatedTypes,
    EquatableArray<string> SharedIds,
    EquatableArray<string> CaseCollisions);
