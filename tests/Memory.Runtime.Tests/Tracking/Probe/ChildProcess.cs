using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Memory.Runtime.Tests.Tracking.Probe;

/// <summary>
/// Runs this test assembly again as a program (<see cref="ProbeProgram"/>), for behaviour a test process
/// cannot survive or must see from its start: faults, environment variables, process exit.
/// </summary>
internal static class ChildProcess
{
    /// <summary>A process killed by SIGSEGV, as <see cref="Process.ExitCode"/> reports it on Unix.</summary>
    public const int SegmentationFaultExitCode = 128 + 11;

    /// <summary>A process killed by SIGABRT (the runtime's fail-fast) on Unix.</summary>
    public const int AbortExitCode = 128 + 6;

    /// <summary>STATUS_ACCESS_VIOLATION, the exit code of a Windows process that faulted.</summary>
    public const int AccessViolationExitCode = unchecked((int)0xC0000005);

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit code {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
    }

    public static Result Run(string scenario, IReadOnlyDictionary<string, string>? environment = null)
        => Run(scenario, [], environment);

    /// <summary>Runs a scenario with arguments of its own; a child that does not finish in <paramref name="timeout"/> (60 s by default) is killed.</summary>
    public static Result Run(string scenario, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(ProbeProgram).Assembly.Location);
        start.ArgumentList.Add(scenario);
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        // No crash dumps from the children that are meant to crash.
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        start.Environment.Remove("MEMORY_TRACKING");
        start.Environment.Remove("MEMORY_LEAKS_AT_EXIT");
        start.Environment.Remove("MEMORY_DOUBLE_FREE_CHECK");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Child scenario '{scenario}' did not finish.");
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>The <c>dotnet</c> host running these tests.</summary>
    private static string DotnetHost()
    {
        string? fromCli = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli))
            return fromCli;
        // <root>/shared/Microsoft.NETCore.App/<version>/ -> <root>/dotnet
        string runtime = RuntimeEnvironment.GetRuntimeDirectory();
        string root = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        string host = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(host) ? host : "dotnet";
    }
}
