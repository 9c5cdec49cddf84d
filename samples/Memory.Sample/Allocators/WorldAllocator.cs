namespace Memory.Sample.Allocators;

/// <summary>
/// The world subsystem's memory: the entity table and the lists of particle and effect handles. It comes
/// from the <see cref="SystemAllocator"/>, but is counted, recorded and reported under its own name, as a
/// child of it. The generator writes the constructor (named after the class) and the shared <c>Instance</c>.
/// </summary>
[TypeId("{96082150-9B81-4E68-A934-2A102B046C2A}")]
public sealed partial class WorldAllocator : ChildAllocator<SystemAllocator> { }
