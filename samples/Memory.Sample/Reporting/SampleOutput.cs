using System.Globalization;
using System.Runtime.CompilerServices;
using Memory.Metrics;
using Memory.Sample.Allocators;
using Memory.Sample.Simulation;
using Memory.Tracking;

namespace Memory.Sample.Reporting;

/// <summary>
/// What the sample prints. Nothing here depends on time, addresses or threads, so a run prints the same
/// every time, JIT or NativeAOT.
/// </summary>
public static class SampleOutput
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The sample's title.</summary>
    public static void Title(string title)
    {
        Console.WriteLine(title);
        Console.WriteLine(new string('=', title.Length));
    }

    /// <summary>A section title.</summary>
    public static void Heading(string title)
    {
        Console.WriteLine();
        Console.WriteLine(title);
        Console.WriteLine(new string('-', title.Length));
    }

    /// <summary>The header of the frame table.</summary>
    public static void FrameHeader()
        => Console.WriteLine(string.Create(Invariant,
            $"{"Frame",5} {"Emitters",9} {"Retired",8} {"Particles",10} {"Effects",8} {"Spawned",8} {"Killed",8} {"Pool bytes",11} {"World bytes",12}"));

    /// <summary>One row of the frame table: the world's counts and what its two allocators hold.</summary>
    public static void Frame(World world)
        => Console.WriteLine(string.Create(Invariant,
            $"{world.Frame,5} {world.EmitterCount,9} {world.EmittersRetired,8} {world.ParticleCount,10} {world.EffectCount,8} {world.ParticlesSpawned,8:N0} {world.ParticlesKilled,8:N0} {ParticleAllocator.Instance.NumAllocatedBytes,11:N0} {WorldAllocator.Instance.NumAllocatedBytes,12:N0}"));

    /// <summary>A table of every allocator's figures from one reading of the meter.</summary>
    public static void Metrics(MeterReading reading)
    {
        Console.WriteLine(string.Create(Invariant,
            $"{"allocator",-20} {"allocated",10} {"reserved",10} {"peak",10} {"live_allocations",17} {"allocations",12}"));
        foreach (string allocator in reading.Allocators)
        {
            Console.WriteLine(string.Create(Invariant,
                $"{allocator,-20} {reading[allocator, MemoryMetrics.AllocatedInstrument],10:N0} {reading[allocator, MemoryMetrics.ReservedInstrument],10:N0} {reading[allocator, MemoryMetrics.PeakInstrument],10:N0} {reading[allocator, MemoryMetrics.LiveAllocationsInstrument],17:N0} {reading[allocator, MemoryMetrics.AllocationsInstrument],12:N0}"));
        }
    }

    /// <summary>
    /// A leak report, with call sites shown relative to the sample's folder: the compiler records full
    /// paths, which say more about the machine that built the sample than about the code.
    /// </summary>
    public static void LeakReport(LeakReport report)
        => Console.Write(report.ToString().Replace(SampleFolder(), "", StringComparison.Ordinal));

    private static string SampleFolder([CallerFilePath] string thisFile = "")
        => Path.GetDirectoryName(Path.GetDirectoryName(thisFile))! + Path.DirectorySeparatorChar;
}
