using System.Numerics;
using Memory.Containers;
using Memory.Objects;
using Memory.Sample.Allocators;

namespace Memory.Sample.Simulation;

/// <summary>
/// A small particle world on native memory. Emitters (the entities) wander along the ground spraying
/// particles; each burns out after a while, leaving a flash, and a new one takes its place.
/// </summary>
/// <remarks>
/// Where the memory lives:
/// <list type="bullet">
/// <item>particles and effects: one pool block each, through the generated <c>Create</c>/<c>Destroy</c>
/// (<see cref="ParticleAllocator"/>);</item>
/// <item>the entity table, the id index and the handle lists: native containers on the world subsystem's
/// <see cref="WorldAllocator"/>.</item>
/// </list>
/// Everything is driven by one seeded <see cref="Random"/> and a fixed time step, so a run is the same every time.
/// </remarks>
public sealed class World : IDisposable
{
    /// <summary>Seconds per frame: a fixed step of 30 frames a second.</summary>
    public const float FrameTime = 1f / 30f;

    /// <summary>Metres per second squared, downwards.</summary>
    public static readonly Vector2 Gravity = new(0f, -9.81f);

    private const float HalfWidth = 10f;
    private const int FlashFrames = 6;

    private readonly Random _random;
    private readonly NativeList<Emitter> _emitters;
    private readonly NativeHashMap<int, int> _emitterIndexById;
    private readonly NativeList<NativeRef<Particle>> _particles;
    private readonly NativeList<NativeRef<Effect>> _effects;
    private int _nextEntityId = 1;

    /// <summary>Creates a world with <paramref name="emitters"/> emitters, laid out by <paramref name="seed"/>.</summary>
    public World(int seed, int emitters)
    {
        _random = new Random(seed);
        IAllocator allocator = WorldAllocator.Instance;
        _emitters = new NativeList<Emitter>(allocator: allocator, name: "emitters");
        _emitterIndexById = new NativeHashMap<int, int>(allocator: allocator, name: "emitter index");
        _particles = new NativeList<NativeRef<Particle>>(allocator: allocator, name: "particle handles");
        _effects = new NativeList<NativeRef<Effect>>(allocator: allocator, name: "effect handles");
        for (int i = 0; i < emitters; i++)
            SpawnEmitter();
    }

    /// <summary>Frames simulated so far.</summary>
    public int Frame { get; private set; }

    /// <summary>Live emitters.</summary>
    public int EmitterCount => _emitters.Count;

    /// <summary>Live particles.</summary>
    public int ParticleCount => _particles.Count;

    /// <summary>Live effects.</summary>
    public int EffectCount => _effects.Count;

    /// <summary>Emitters that burnt out (and were replaced) since the start.</summary>
    public int EmittersRetired { get; private set; }

    /// <summary>Particles created since the start.</summary>
    public int ParticlesSpawned { get; private set; }

    /// <summary>Particles destroyed since the start (burnt out or fallen through the ground).</summary>
    public int ParticlesKilled { get; private set; }

    /// <summary>Advances the world by one frame.</summary>
    public void Step()
    {
        EmitParticles();
        MoveParticles();
        AgeEffects();
        MoveEmitters();
        Frame++;
    }

    /// <summary>Destroys every particle and effect and frees the world's tables.</summary>
    public void Dispose()
    {
        foreach (NativeRef<Particle> particle in _particles)
            Particle.Destroy(particle);
        foreach (NativeRef<Effect> effect in _effects)
            Effect.Destroy(effect);
        _particles.Dispose();
        _effects.Dispose();
        _emitterIndexById.Dispose();
        _emitters.Dispose();
    }

    private void EmitParticles()
    {
        foreach (ref Emitter emitter in _emitters)
        {
            for (int i = 0; i < emitter.ParticlesPerFrame; i++)
            {
                var spray = new Vector2(Range(-2f, 2f), Range(3f, 7f));
                _particles.Add(Particle.Create(emitter.Position, emitter.Velocity + spray, lifetime: Range(0.4f, 1.2f)));
            }
            ParticlesSpawned += emitter.ParticlesPerFrame;
        }
    }

    private void MoveParticles()
    {
        // Backwards, so that swapping the last handle into a freed slot never skips one.
        for (int i = _particles.Count - 1; i >= 0; i--)
        {
            NativeRef<Particle> handle = _particles[i];
            ref Particle particle = ref handle.Value;
            particle.Integrate(FrameTime);
            if (particle.IsAlive)
                continue;
            Particle.Destroy(handle);
            _particles.RemoveAtSwapBack(i);
            ParticlesKilled++;
        }
    }

    private void AgeEffects()
    {
        for (int i = _effects.Count - 1; i >= 0; i--)
        {
            NativeRef<Effect> handle = _effects[i];
            if (--handle.Value.FramesLeft > 0)
                continue;
            Effect.Destroy(handle);
            _effects.RemoveAtSwapBack(i);
        }
    }

    private void MoveEmitters()
    {
        for (int i = _emitters.Count - 1; i >= 0; i--)
        {
            ref Emitter emitter = ref _emitters[i];
            emitter.Position += emitter.Velocity * FrameTime;
            if (MathF.Abs(emitter.Position.X) > HalfWidth)
                emitter.Velocity.X = -emitter.Velocity.X;
            if (--emitter.FramesLeft > 0)
                continue;

            // Burnt out: leave a flash, and let a new emitter take its place.
            _effects.Add(Effect.Create(EffectKind.Flash, emitter.Position, FlashFrames));
            Despawn(emitter.Id);
            EmittersRetired++;
            SpawnEmitter();
        }
    }

    private void SpawnEmitter()
    {
        var emitter = new Emitter(
            id: _nextEntityId++,
            position: new Vector2(Range(-8f, 8f), Range(0.5f, 2f)),
            velocity: new Vector2(Range(-3f, 3f), 0f),
            particlesPerFrame: _random.Next(1, 4),
            frames: _random.Next(20, 60));
        _emitterIndexById.Add(emitter.Id, _emitters.Count);
        _emitters.Add(emitter);
    }

    /// <summary>Removes an emitter by id: the index map finds its row, the last row moves into the gap.</summary>
    private void Despawn(int id)
    {
        if (!_emitterIndexById.Remove(id, out int index))
            throw new KeyNotFoundException($"No emitter {id}.");
        _emitters.RemoveAtSwapBack(index);
        if (index < _emitters.Count)
            _emitterIndexById[_emitters[index].Id] = index;
    }

    private float Range(float min, float max) => min + (max - min) * _random.NextSingle();
}
