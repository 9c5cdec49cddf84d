using BenchmarkDotNet.Running;
using Memory.Benchmarks.Infrastructure;
using Memory.Benchmarks.Modes;

// dotnet run -c Release --project tests/Memory.Benchmarks -- [mode | BenchmarkDotNet arguments]
//   --smoke [pattern...]     every case once, in-process, at 1% of its operations: proves the suite runs
//   --profile seconds pattern...  each matching case at full size, in-process, over and over: for a sampling profiler
//   --overhead [pattern...]  peak reserved / peak live per workload for the allocators that report memory
//   --peers                  which peers are installed
//   --table [results dir]    the full suite's table (Ratio per allocator and workload) from a run's CSV reports
//   --pool-interleaved [--worker] [sizes...]  AllocatorMemoryPool against MemoryPool<byte>.Shared in alternating samples of one process
//   --pair-interleaved [--worker] [sizes...]  the small-block allocators' allocate-write-free pair against NativeMemory's, the same way
//   --heap-sharing [threads]  glibc-thread's loop on threads sharing one SystemAllocator against one allocator per thread
//   --real-code [sources]    the analyzers' and the generator's share of compile time over a real code base
//                            (directories/files separated by the path separator, or MEMORY_REAL_CODE)
//   anything else            BenchmarkDotNet, e.g. --filter '*Larson*' --job short
// Patterns match "Class.Method(parameters)" (smoke, profile) or the class name (overhead), case-insensitively.

// Debian's jemalloc needs static TLS space that glibc only grants at start-up: restart once with it.
if (StaticTlsReserve.RestartIfNeeded(args, "libjemalloc.so.2") is { } exitCode)
    return exitCode;

if (args.Length > 0 && args[0] == "--smoke")
    return SmokeRun.Run(args[1..]);
if (args.Length > 0 && args[0] == "--profile")
    return ProfileRun.Run(args[1..]);
if (args.Length > 0 && args[0] == "--overhead")
    return OverheadReport.Run(args[1..]);
if (args.Length > 0 && args[0] == "--table")
    return SuiteTable.Run(args[1..]);
if (args.Length > 0 && args[0] == "--pool-interleaved")
    return PoolInterleaved.Run(args[1..]);
if (args.Length > 0 && args[0] == "--pair-interleaved")
    return PairInterleaved.Run(args[1..]);
if (args.Length > 0 && args[0] == "--heap-sharing")
    return HeapSharing.Run(args[1..]);
if (args.Length > 0 && args[0] == "--real-code")
    return RealCodeShare.Run(args[1..]);
if (args.Length > 0 && args[0] == "--peers")
{
    BenchmarkCatalog.PrintPeers(Console.Out);
    return 0;
}

Console.WriteLine("Peers (a skipped peer has no row in the tables):");
BenchmarkCatalog.PrintPeers(Console.Out);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create());
return 0;
