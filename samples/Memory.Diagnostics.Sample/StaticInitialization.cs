using Memory;

namespace Memory.Diagnostics.Sample;

/// <summary>An event bus: connecting to it belongs in an activation step, not in a type initialiser.</summary>
[EventBus]
public static class TickBus
{
    public static void Connect(Action handler) => Ticked += handler;

    public static event Action? Ticked;

    public static void Tick() => Ticked?.Invoke();
}

internal static class Caches
{
    public static readonly List<string> Names = new();              // MEM0003: a static initialiser allocates
    public static readonly int[] Sizes = { 16, 32, 64 };            // MEM0003
}

internal sealed class Renderer
{
    static Renderer() => TickBus.Connect(static () => { });         // MEM0004: connects to a bus while initialising
}
