using System.Diagnostics;
using System.Reflection;

namespace Memory.Package.Tests;

/// <summary>Runs the `dotnet` CLI the tests themselves run under, and finds the repository they test.</summary>
internal static class DotNetCli
{
    public static string RepositoryRoot { get; } = typeof(DotNetCli).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static (int ExitCode, string Output) Run(string workingDirectory, params string[] arguments)
        => RunProcess(DotNetHost(), workingDirectory, arguments);

    public static (int ExitCode, string Output) RunProcess(string fileName, string workingDirectory, params string[] arguments)
        => RunProcess(fileName, workingDirectory, Timeout.InfiniteTimeSpan, arguments);

    /// <summary>Runs a process to its end; past <paramref name="timeout"/> it is killed with its children and the test fails.</summary>
    public static (int ExitCode, string Output) RunProcess(string fileName, string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(fileName, workingDirectory, arguments))!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"'{fileName} {string.Join(' ', arguments)}' did not finish within {timeout.TotalSeconds:0} s; it was ended. Its output:\n{stdout.Result}{stderr.Result}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Starts `dotnet` with <paramref name="arguments"/>, standard input, output and error redirected.</summary>
    public static Process Start(string workingDirectory, params string[] arguments)
    {
        var start = StartInfo(DotNetHost(), workingDirectory, arguments);
        start.RedirectStandardInput = true;
        return Process.Start(start)!;
    }

    private static ProcessStartInfo StartInfo(string fileName, string workingDirectory, string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        // A build inside a test must not reuse the outer build's nodes or compiler server state.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        return start;
    }

    public static (int ExitCode, string Output) Run(string workingDirectory, TimeSpan timeout, params string[] arguments)
        => RunProcess(DotNetHost(), workingDirectory, timeout, arguments);

    private static string DotNetHost()
    {
        string? host = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
