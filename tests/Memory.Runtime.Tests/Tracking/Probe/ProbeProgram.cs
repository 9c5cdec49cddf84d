using System.Runtime.InteropServices;
using Memory.Diagnostics;
using Memory.Tracking;

namespace Memory.Runtime.Tests.Tracking.Probe;

/// <summary>
/// The entry point of this test assembly when <see cref="ChildProcess"/> runs it as a program: each
/// scenario is a few lines that the parent test judges by exit code and output.
/// </summary>
internal static unsafe class ProbeProgram
{
    public const string GuardPageManagedOverrun = "guard-page-managed-overrun";
    public const string GuardPageNativeOverrun = "guard-page-native-overrun";
    public const string GuardPageLastByte = "guard-page-last-byte";
    public const string PrintSettings = "print-settings";
    public const string LeakAtExit = "leak-at-exit";
    public const string Shutdown = "shutdown";
    public const string Misuse = "misuse";
    public const string DoubleFree = "double-free";
    public const string MainThread = "main-thread";
    public const string StackReuse = "stack-reuse";
    public const string RetiredHeapMainThread = "retired-heap-main-thread";

    /// <summary>The allocator name the settings scenario prints.</summary>
    public const string ProbeAllocatorName = "ProbeAllocator";

    /// <summary>Printed just before the write that must fault.</summary>
    public const string InsideWritten = "inside written";

    public static int Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case GuardPageManagedOverrun:
                return OverrunGuardPage(native: false);
            case GuardPageNativeOverrun:
                return OverrunGuardPage(native: true);
            case GuardPageLastByte:
                return WriteLastByteOfGuardPageBlock();
            case PrintSettings:
                return PrintProbeAllocatorSettings();
            case LeakAtExit:
                return LeakTwoBlocksAndExit();
            case Shutdown:
                return ShutDownAndAllocate();
            case Misuse:
                return Reliability.MisuseProbe.Run(args[1], args[2], args[3]);
            case DoubleFree:
                return Reliability.DoubleFreeSwitchProbe.Run(args[1]);
            case MainThread:
                return Core.MainThreadProbe.Run(args[1]);
            case StackReuse:
                return Core.StackReuseProbe.Run(args[1]);
            case RetiredHeapMainThread:
                return Core.RetiredHeapMainThreadProbe.Run(args[1]);
            default:
                Console.Error.WriteLine("No such scenario; this assembly is a test assembly.");
                return 2;
        }
    }

    private static ThreadSafeTestAllocator GuardPageAllocator()
        => new("GuardPageProbe", TrackingMode.Records) { OverrunDetection = OverrunDetection.GuardPage };

    private static int OverrunGuardPage(bool native)
    {
        var allocator = GuardPageAllocator();
        const int size = 4000;  // a multiple of the default alignment: the block ends at the guard page
        nint block = allocator.Allocate(size);
        new Span<byte>((void*)block, size).Fill(1);
        Console.WriteLine(InsideWritten);
        Console.Out.Flush();

        if (native)
            NativeMemset(block + size, 0, 1);  // as a native library handed the block would overrun it
        else
            ((byte*)block)[size] = 1;

        Console.WriteLine("the write past the end did not fault");
        return 0;
    }

    private static int WriteLastByteOfGuardPageBlock()
    {
        var allocator = GuardPageAllocator();
        nint block = allocator.Allocate(4000);
        ((byte*)block)[3999] = 1;
        allocator.DeAllocate(block);
        Console.WriteLine(InsideWritten);
        return 0;
    }

    private static int PrintProbeAllocatorSettings()
    {
        using var allocator = new ThreadSafeTestAllocator(ProbeAllocatorName);
        using var other = new ThreadSafeTestAllocator("SomeOtherAllocator");
        Console.WriteLine($"{allocator.Name} {allocator.Records.Mode} checked={allocator.IsChecked} overrun={allocator.OverrunDetection}");
        Console.WriteLine($"{other.Name} {other.Records.Mode} checked={other.IsChecked} overrun={other.OverrunDetection}");
        return 0;
    }

    private static int LeakTwoBlocksAndExit()
    {
        AllocatorManager.WriteLeakReportsTo(Console.Out);
        var allocator = new ThreadSafeTestAllocator("ExitProbe", TrackingMode.Records);
        allocator.Allocate(100, name: "first site");
        allocator.Allocate(300, name: "second site");
        Console.WriteLine("returning from Main");
        return 0;
    }

    private static int ShutDownAndAllocate()
    {
        AllocatorManager.WriteLeakReportsTo(Console.Out);
        nint leaked = Az.Malloc<ProbeSharedAllocator>(48);
        AllocatorManager.Shutdown();
        Console.WriteLine($"shut down: {AllocatorManager.IsShutDown}");

        var global = AllocatorManager.Find(GlobalAllocator.CategoryName);
        nint late = Az.Malloc<ProbeSharedAllocator>(16);
        Console.WriteLine($"after shutdown in Global: {global?.Records.Contains(late) ?? GlobalAllocator.Instance.Records.Contains(late)}");
        try
        {
            AllocatorInstance<ProbeSharedAllocator>.Get();
            Console.WriteLine("Get after shutdown: created");
        }
        catch (InvalidOperationException)
        {
            Console.WriteLine("Get after shutdown: InvalidOperationException");
        }
        Az.Free<ProbeSharedAllocator>(late);
        Az.Free<ProbeSharedAllocator>(leaked);  // its allocator is gone: left alone
        Console.WriteLine($"Global blocks after free: {GlobalAllocator.Instance.Records.RecordCount}");

        AllocatorManager.Start();
        nint again = Az.Malloc<ProbeSharedAllocator>(8);
        Console.WriteLine($"after start in shared allocator: {AllocatorInstance<ProbeSharedAllocator>.Get().Records.Contains(again)}");
        Az.Free<ProbeSharedAllocator>(again);
        return 0;
    }

    // The C runtime's memset: "libc" on Unix, the Universal CRT on Windows.
    private static void NativeMemset(nint destination, int value, nint length)
    {
        if (OperatingSystem.IsWindows())
            WindowsMemset(destination, value, length);
        else
            UnixMemset(destination, value, length);
    }

    [DllImport("libc", EntryPoint = "memset")]
    private static extern nint UnixMemset(nint destination, int value, nint length);

    [DllImport("ucrtbase", EntryPoint = "memset")]
    private static extern nint WindowsMemset(nint destination, int value, nint length);
}
