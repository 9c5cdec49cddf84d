using System.Runtime.InteropServices;
using Memory.Objects;

namespace Memory.Runtime.Tests.Reliability;

// Every misuse of an allocator, on purpose: the analyzers that catch them at compile time are what this suite is not about.
#pragma warning disable MEM0007, MEM0030, MEM0031

/// <summary>
/// The child-process half of the misuse suite (<see cref="MisuseSuiteTests"/>): commits one misuse on one allocator
/// in one mode and prints what happened (<c>outcome: ...</c>), then shows the allocator still works
/// (<c>still works</c>). A crash or a hang is the parent's to see.
/// </summary>
internal static unsafe class MisuseProbe
{
    public const string OutcomePrefix = "outcome: ";
    public const string StillWorks = "still works";

    public static int Run(string kind, string misuse, string mode)
    {
        AllocatorManager.LeakReportOutput = null;
        bool isChecked = mode == MisuseSuiteTests.Checked;
        var (allocator, parent) = ReliabilityAllocators.Create(kind, $"Misuse{kind}");
        var (other, otherParent) = ReliabilityAllocators.Create(kind, $"Other{kind}");
        foreach (var each in new[] { allocator, parent, other, otherParent })
        {
            if (each is not null)
                each.IsChecked = isChecked;
        }

        long liveBefore = allocator.NumAllocatedBytes;
        string outcome;
        try
        {
            Commit(misuse, allocator, parent, other);
            outcome = "accepted";
        }
        catch (AllocatorMisuseException e)
        {
            outcome = $"{e.Kind} by {Role(e.AllocatorName, allocator, parent)}" + (e.OwnerName is { } owner ? $" owner {Role(owner, allocator, parent, other)}" : "");
        }
        catch (ObjectDisposedException)
        {
            outcome = "ObjectDisposedException";
        }
        Console.WriteLine(OutcomePrefix + outcome);
        Console.Out.Flush();

        if (misuse != "AllocateAfterDispose")
        {
            // The allocator goes on handing out distinct, writable blocks and its counts come back.
            var blocks = Enumerable.Range(0, 64).Select(i => allocator.Allocate(48)).ToArray();
            if (blocks.Distinct().Count() != blocks.Length || blocks.Contains(0))
                return Fail("a block was handed out twice");
            // An external range is not memory this process may touch.
            if (kind != "BestFitExternal")
            {
                foreach (nint block in blocks)
                    new Span<byte>((void*)block, 48).Fill(0x3C);
            }
            foreach (nint block in blocks)
                allocator.DeAllocate(block);
            Console.WriteLine($"{StillWorks}: live bytes {allocator.NumAllocatedBytes - liveBefore:+0;-0;0} after the misuse");
        }
        return 0;
    }

    private static void Commit(string misuse, AllocatorBase allocator, AllocatorBase? parent, AllocatorBase other)
    {
        switch (misuse)
        {
            case "DoubleFree":
            {
                nint block = allocator.Allocate(48);
                allocator.DeAllocate(block);
                allocator.DeAllocate(block);
                break;
            }
            case "ForeignPointer":
            {
                nint block = (nint)NativeMemory.Alloc(64);
                allocator.DeAllocate(block);
                break;
            }
            case "InteriorPointer":
            {
                nint block = allocator.Allocate(48);
                allocator.DeAllocate(block + 16);
                break;
            }
            case "WrongAllocator":
            {
                nint block = other.Allocate(48);
                allocator.DeAllocate(block);
                break;
            }
            case "ChildBlockThroughParent":
            {
                nint block = allocator.Allocate(48);
                parent!.DeAllocate(block);
                allocator.DeAllocate(block);
                break;
            }
            case "ReallocFreed":
            {
                nint block = allocator.Allocate(48);
                allocator.DeAllocate(block);
                allocator.ReAllocate(block, 200);
                break;
            }
            case "DestroyTwice":
            {
                var handle = NativeObjects.Allocate<Point>(allocator, nameof(Point), null, 0);
                NativeObjects.Free(allocator, handle);
                NativeObjects.Free(allocator, handle);
                break;
            }
            case "AllocateAfterDispose":
                allocator.Dispose();
                allocator.Allocate(48);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(misuse), misuse, null);
        }
    }

    private static string Role(string name, AllocatorBase allocator, AllocatorBase? parent, AllocatorBase? other = null)
        => name == allocator.Name ? "allocator" : name == parent?.Name ? "parent" : name == other?.Name ? "other" : name;

    private static int Fail(string message)
    {
        Console.WriteLine("failed: " + message);
        return 3;
    }

    private readonly record struct Point(long X, long Y, long Z);
}
