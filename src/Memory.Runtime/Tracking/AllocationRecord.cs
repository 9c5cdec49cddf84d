using System.Diagnostics;
using Memory.Tracking.Records;

namespace Memory.Tracking;

/// <summary>What tracking remembers of one live allocation: a snapshot taken when it is read.</summary>
public sealed class AllocationRecord
{
    private readonly StackTrace? _stack;
    private readonly int _stackDepth;
    private string? _stackText;

    internal AllocationRecord(nint address, in RecordEntry entry, int stackDepth)
    {
        Address = address;
        RequestedSize = entry.RequestedSize;
        Size = entry.Size;
        Alignment = entry.Alignment;
        Name = entry.Name;
        File = entry.File;
        Line = entry.Line;
        Sequence = entry.Sequence;
        Timestamp = TimeOf(entry.TickCount);
        _stack = entry.Stack;
        _stackDepth = stackDepth;
    }

    /// <summary>The block's address.</summary>
    public nint Address { get; }

    /// <summary>The size the caller asked for.</summary>
    public nint RequestedSize { get; }

    /// <summary>The usable size handed out: the schema's block size, or the requested size for guarded blocks.</summary>
    public nint Size { get; }

    /// <summary>The alignment asked for (0 for the default).</summary>
    public nint Alignment { get; }

    /// <summary>The caller's label, if any.</summary>
    public string? Name { get; }

    /// <summary>The calling file, if known.</summary>
    public string? File { get; }

    /// <summary>The calling line, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>The allocation's place in its allocator's order of allocations (see <see cref="AllocationRecords.Mark"/>).</summary>
    public long Sequence { get; }

    /// <summary>When it was allocated (UTC, to within the coarse system clock's resolution of a few milliseconds).</summary>
    public DateTime Timestamp { get; }

    /// <summary>"file:line", or "(unknown)" when the caller passed no site.</summary>
    public string CallSite => FormatCallSite(File, Line);

    /// <summary>
    /// The allocating stack, outermost frames last, without the allocator's own frames and at most
    /// <see cref="AllocationRecords.StackDepth"/> frames; null unless recorded in
    /// <see cref="TrackingMode.RecordsWithStacks"/>.
    /// </summary>
    public string? StackTrace => _stack is null ? null : _stackText ??= FormatStack(_stack, _stackDepth);

    /// <inheritdoc/>
    public override string ToString()
        => $"0x{Address:X} {RequestedSize} bytes at {CallSite}{(Name is null ? "" : $" ({Name})")}";

    /// <summary>Converts a <see cref="System.Environment.TickCount64"/> taken earlier to the time it was taken.</summary>
    internal static DateTime TimeOf(long tickCount)
        => DateTime.UtcNow.AddMilliseconds(tickCount - System.Environment.TickCount64);

    internal static string FormatCallSite(string? file, int line)
        => string.IsNullOrEmpty(file) ? "(unknown)" : $"{file}:{line}";

    /// <summary>Formats a captured stack, dropping the frames inside the allocators and tracking.</summary>
    private static string FormatStack(StackTrace stack, int depth)
    {
        // Frames are told apart by their text, not by reflection over their methods, which trimming may remove.
        string[] lines = stack.ToString().Split(System.Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        int first = 0;
        while (first < lines.Length && IsInternalFrame(lines[first]))
            first++;
        int count = Math.Min(depth, lines.Length - first);
        return count <= 0 ? string.Empty : string.Join(System.Environment.NewLine, lines, first, count);
    }

    private static bool IsInternalFrame(string frame)
    {
        string text = frame.TrimStart();
        return text.StartsWith("at Memory.AllocatorBase", StringComparison.Ordinal)
            || text.StartsWith("at Memory.Az.", StringComparison.Ordinal)
            || text.StartsWith("at Memory.Tracking.", StringComparison.Ordinal);
    }
}
