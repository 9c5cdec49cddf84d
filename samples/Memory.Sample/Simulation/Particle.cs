using System.Numerics;
using Memory.Sample.Allocators;

namespace Memory.Sample.Simulation;

/// <summary>
/// One particle, 24 bytes in the <see cref="ParticleAllocator"/> pool. The generator gives it
/// <c>Create(position, velocity, lifetime)</c>, returning a <c>NativeRef&lt;Particle&gt;</c>, and <c>Destroy(handle)</c>.
/// </summary>
[ClassAllocator(typeof(ParticleAllocator))]
public partial struct Particle
{
    public Vector2 Position;
    public Vector2 Velocity;
    public float Age;
    public float Lifetime;

    public Particle(Vector2 position, Vector2 velocity, float lifetime)
    {
        Position = position;
        Velocity = velocity;
        Age = 0f;
        Lifetime = lifetime;
    }

    /// <summary>Still burning and above the ground.</summary>
    public readonly bool IsAlive => Age < Lifetime && Position.Y >= 0f;

    /// <summary>Falls for one time step (explicit Euler).</summary>
    public void Integrate(float seconds)
    {
        Velocity += World.Gravity * seconds;
        Position += Velocity * seconds;
        Age += seconds;
    }
}
