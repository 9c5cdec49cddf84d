using System.Numerics;
using Memory;
using Memory.Sample.Allocators;
using Memory.Sample.Reporting;
using Memory.Sample.Simulation;
using Memory.Tracking;

// A particle world on native memory: particles and effects are unmanaged structs in a pool, the world's
// tables live in containers on the world subsystem's own allocator, and tracking watches both.
// `--watch` keeps the world running for dotnet-counters.
bool watch = args.Contains("--watch");
SampleOutput.Title("Memory sample: a particle world on native memory");

// 1. Tracking. Records mode keeps every live block with its call site. It is chosen before an allocator's first
//    allocation; without code, the same is MEMORY_TRACKING="ParticleAllocator=Records;WorldAllocator=Records".
AllocatorManager.SetTrackingMode(nameof(ParticleAllocator), TrackingMode.Records);
AllocatorManager.SetTrackingMode(nameof(WorldAllocator), TrackingMode.Records);

// 2. A few seconds of simulation: emitters spray particles, particles fall and burn out, emitters come and go.
const int Seed = 2024;
const int Frames = 90;
var world = new World(Seed, emitters: 4);
SampleOutput.Heading($"Simulation: {Frames} frames at 30 frames a second, seed {Seed}");
SampleOutput.FrameHeader();
for (int frame = 1; frame <= Frames; frame++)
{
    world.Step();
    if (frame % 15 == 0)
        SampleOutput.Frame(world);
}
if (watch)
    WatchMode.Run(world);

// 3. A deliberate leak: an effect created here and never destroyed. The leak report below points at this line
//    (and MEM0030 points at it at build time: disabled here because the leak is what this step shows).
#pragma warning disable MEM0030
_ = Effect.Create(EffectKind.Shockwave, new Vector2(0f, 5f), frames: 30);
#pragma warning restore MEM0030

// 4. The allocator tree: the world's allocator under the SystemAllocator it draws from, the pool on its own.
SampleOutput.Heading("Allocator tree (AllocatorManager.GetReport)");
Console.Write(AllocatorManager.GetReport());

// 5. Live metrics: the 'Memory' meter, read back here the way any metrics listener reads it. A parent's figures
//    include its children's: the SystemAllocator's allocated bytes are the WorldAllocator's.
SampleOutput.Heading("Live metrics (meter 'Memory', read with a MeterListener)");
SampleOutput.Metrics(MeterReading.Take());
Console.WriteLine();
Console.WriteLine("To watch them live: dotnet run --project samples/Memory.Sample -c Release -- --watch");
Console.WriteLine("                    dotnet-counters monitor --counters Memory -p <pid>");

// 6. Clean up everything but the leak, then ask each allocator what it still holds.
world.Dispose();
SampleOutput.Heading("Leak reports");
SampleOutput.LeakReport(ParticleAllocator.Instance.Records.GetLeakReport());
SampleOutput.LeakReport(WorldAllocator.Instance.Records.GetLeakReport());

// The run succeeds when the deliberate leak is the only block left.
return ParticleAllocator.Instance.Records.LiveAllocations == 1 && WorldAllocator.Instance.Records.LiveAllocations == 0 ? 0 : 1;
