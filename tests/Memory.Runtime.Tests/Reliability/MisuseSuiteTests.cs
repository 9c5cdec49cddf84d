using Memory.Runtime.Tests.Tracking.Probe;

namespace Memory.Runtime.Tests.Reliability;

/// <summary>
/// The misuse suite: every misuse on every allocator, in default and in checked mode, each in a child process so a
/// crash or a hang fails one case instead of the run. The expected outcomes are the table of docs/tracking.md
/// ("Misuse, allocator by allocator"); a cell the table marks as undefined is not run.
/// </summary>
public sealed class MisuseSuiteTests
{
    public const string Default = "default";
    public const string Checked = "checked";

    private const string DoubleFree = "DoubleFree by allocator";
    private const string Foreign = "ForeignPointer by allocator";
    private const string Disposed = "ObjectDisposedException";

    /// <summary>(allocator, misuse, mode) -> outcome, as docs/tracking.md states it.</summary>
    private static readonly Dictionary<(string Kind, string Misuse, string Mode), string> Expected = Build();

    public static TheoryData<string, string, string> Cells()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (kind, misuse, mode) in Expected.Keys)
            data.Add(kind, misuse, mode);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void The_misuse_has_the_documented_outcome_and_the_allocator_keeps_working(string kind, string misuse, string mode)
    {
        var result = ChildProcess.Run(ProbeProgram.Misuse, [kind, misuse, mode], timeout: TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(MisuseProbe.OutcomePrefix + Expected[(kind, misuse, mode)] + "\n", result.Output.ReplaceLineEndings("\n"));
        if (misuse != "AllocateAfterDispose")
            Assert.Contains(MisuseProbe.StillWorks, result.Output);
    }

    private static Dictionary<(string, string, string), string> Build()
    {
        var table = new Dictionary<(string, string, string), string>();
        string[] freeLists = ["Pool", "ThreadPool", "Heap", "System", "Child"];
        foreach (string kind in freeLists.Append("BestFitExternal"))
        {
            // Default mode: what the heaps catch on their own.
            table[(kind, "DoubleFree", Default)] = DoubleFree;
            table[(kind, "ReallocFreed", Default)] = DoubleFree;
            table[(kind, "DestroyTwice", Default)] = DoubleFree;
            table[(kind, "AllocateAfterDispose", Default)] = Disposed;

            // Checked mode: the records catch everything, before the schema is reached.
            table[(kind, "DoubleFree", Checked)] = DoubleFree;
            table[(kind, "ReallocFreed", Checked)] = DoubleFree;
            table[(kind, "DestroyTwice", Checked)] = DoubleFree;
            table[(kind, "ForeignPointer", Checked)] = Foreign;
            table[(kind, "InteriorPointer", Checked)] = Foreign;
            table[(kind, "WrongAllocator", Checked)] = "WrongAllocator by allocator owner other";
            table[(kind, "AllocateAfterDispose", Checked)] = Disposed;
        }

        // Default mode, where a schema can tell on its own.
        table[("Heap", "WrongAllocator", Default)] = Foreign;
        table[("BestFitExternal", "ForeignPointer", Default)] = Foreign;
        table[("BestFitExternal", "InteriorPointer", Default)] = Foreign;
        table[("BestFitExternal", "WrongAllocator", Default)] = Foreign;

        // A child's block freed through its parent: unseen by a parent without records, whose later free by the child
        // is then a double free; refused by a checked parent, naming the child as the owner.
        table[("Child", "ChildBlockThroughParent", Default)] = DoubleFree;
        table[("Child", "ChildBlockThroughParent", Checked)] = "WrongAllocator by parent owner allocator";
        return table;
    }
}
