using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Memory.Benchmarks.Infrastructure;

/// <summary>
/// Makes room for libraries built with initial-exec thread-local storage. Debian's jemalloc is one: loaded
/// with <c>dlopen</c> after start-up it needs about 2.6 KiB of static TLS, more than glibc keeps spare
/// (512 bytes), and fails with "cannot allocate memory in static TLS block". glibc reads the spare amount
/// only at process start, from <c>GLIBC_TUNABLES</c>, so the program restarts itself once with it set;
/// BenchmarkDotNet's child processes inherit the setting.
/// </summary>
public static class StaticTlsReserve
{
    private const string Variable = "GLIBC_TUNABLES";
    private const string Tunable = "glibc.rtld.optional_static_tls";
    private const int Bytes = 16384;

    /// <summary>
    /// Returns null when this process can go on, or the exit code of the restarted process that ran in its place.
    /// </summary>
    public static int? RestartIfNeeded(string[] args, string probeLibrary)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        string current = System.Environment.GetEnvironmentVariable(Variable) ?? "";
        if (current.Contains(Tunable, StringComparison.Ordinal))
            return null;
        if (NativeLibrary.TryLoad(probeLibrary, out _))
            return null;
        if (!FailsForStaticTls(probeLibrary))
            return null;

        string? host = System.Environment.ProcessPath;
        if (host is null)
            return null;
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            start.ArgumentList.Add(typeof(StaticTlsReserve).Assembly.Location);
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        start.Environment[Variable] = (current.Length > 0 ? current + ":" : "") + $"{Tunable}={Bytes}";

        using Process child = Process.Start(start)!;
        child.WaitForExit();
        return child.ExitCode;
    }

    private static bool FailsForStaticTls(string library)
    {
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(library));
            return false;
        }
        catch (DllNotFoundException e)
        {
            return e.Message.Contains("static TLS", StringComparison.Ordinal);
        }
    }
}
