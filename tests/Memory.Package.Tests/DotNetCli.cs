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

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    private static string DotNetHost()
    {
        string? host = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
