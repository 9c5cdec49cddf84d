using Memory.Schemas;

namespace Memory.Sample.Allocators;

/// <summary>
/// The particle system's pool: fixed blocks of 8 to 32 bytes in 4 KiB pages, the sizes of a
/// <see cref="Simulation.Particle"/> (24 bytes) and an <see cref="Simulation.Effect"/> (16 bytes). Anything
/// bigger does not belong here: the pool answers it with 0.
/// </summary>
/// <remarks>
/// <c>[TypeId]</c> makes it a shared allocator: the generator adds <c>Instance</c> and the
/// <see cref="AllocatorInstance{T}"/> glue, which <c>[ClassAllocator(typeof(ParticleAllocator))]</c> needs.
/// A pool is not thread-safe; the simulation runs on one thread.
/// </remarks>
[TypeId("{D5ACADBF-DF29-4B0C-99EB-E3557A82734E}")]
public sealed partial class ParticleAllocator : AllocatorBase<PoolSchema>
{
    /// <summary>Creates the pool; the simulation uses the shared <c>Instance</c>.</summary>
    public ParticleAllocator()
        : base(nameof(ParticleAllocator), "Particles and effects: 8 to 32 byte blocks in 4 KiB pages",
            new PoolSchema(new PoolSchemaOptions { PageSize = 4096, MinAllocationSize = 8, MaxAllocationSize = 32 }))
    {
    }
}
