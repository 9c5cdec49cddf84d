using System.Numerics;

namespace Memory.Sample.Simulation;

/// <summary>
/// An entity that sprays particles while it lives. Stored by value in the world's entity table
/// (a <c>NativeList&lt;Emitter&gt;</c>), found by id through a <c>NativeHashMap&lt;int, int&gt;</c>.
/// </summary>
public struct Emitter
{
    public int Id;
    public Vector2 Position;
    public Vector2 Velocity;
    public int ParticlesPerFrame;
    public int FramesLeft;

    public Emitter(int id, Vector2 position, Vector2 velocity, int particlesPerFrame, int frames)
    {
        Id = id;
        Position = position;
        Velocity = velocity;
        ParticlesPerFrame = particlesPerFrame;
        FramesLeft = frames;
    }
}
