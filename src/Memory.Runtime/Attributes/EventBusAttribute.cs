namespace Memory;

/// <summary>
/// Marks an event bus type. Connecting to one from static initialisation is reported by the analyzers
/// (rule MEM0004): buses must be joined in an explicit activation step, after the memory system is up.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface, AllowMultiple = false, Inherited = true)]
public sealed class EventBusAttribute : Attribute
{
    /// <summary>The names of the methods that connect a handler; <c>Connect</c> and <c>BusConnect</c> when empty.</summary>
    public string[] ConnectMethods { get; set; } = [];
}
