using Memory.Sample.Simulation;

namespace Memory.Sample.Reporting;

/// <summary>
/// <c>--watch</c>: keeps the world running at 30 frames a second until Ctrl+C, so that
/// <c>dotnet-counters monitor --counters Memory</c> has a live process to show.
/// </summary>
public static class WatchMode
{
    /// <summary>Steps <paramref name="world"/> in real time, printing a row a second, until Ctrl+C.</summary>
    public static void Run(World world)
    {
        using var stop = new ManualResetEventSlim();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;   // finish the frame, then clean up as a normal run does
            stop.Set();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            Console.WriteLine();
            Console.WriteLine($"Watching. In another terminal: dotnet-counters monitor --counters Memory -p {System.Environment.ProcessId}");
            Console.WriteLine("Ctrl+C stops the world and prints the reports.");
            SampleOutput.FrameHeader();
            int frameMilliseconds = (int)(World.FrameTime * 1000);
            while (!stop.Wait(frameMilliseconds))
            {
                world.Step();
                if (world.Frame % 30 == 0)
                    SampleOutput.Frame(world);
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
