using System.Numerics;
using Memory.Sample.Allocators;

namespace Memory.Sample.Simulation;

/// <summary>What an <see cref="Effect"/> looks like.</summary>
public enum EffectKind
{
    /// <summary>The flash an emitter leaves when it burns out.</summary>
    Flash,

    /// <summary>A ring that spreads from a point.</summary>
    Shockwave,
}

/// <summary>A short-lived visual effect, 16 bytes in the <see cref="ParticleAllocator"/> pool.</summary>
[ClassAllocator(typeof(ParticleAllocator))]
public partial struct Effect
{
    public EffectKind Kind;
    public Vector2 Position;
    public int FramesLeft;

    public Effect(EffectKind kind, Vector2 position, int frames)
    {
        Kind = kind;
        Position = position;
        FramesLeft = frames;
    }
}
