using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Memory.Schemas;
using Memory.Tracking;

namespace Memory.Benchmarks.Pool;

/// <summary>
/// What the default-mode double-free check costs on the pool pair (allocate + free): the same benchmarks under two
/// jobs of one run, one with MEMORY_DOUBLE_FREE_CHECK=0 in its environment, so the table's Ratio column reads
/// check on / check off for each case (the "off" job is the baseline).
/// </summary>
/// <remarks>
/// The switch is a static readonly field read when the runtime starts, so it needs a process of its own: each job
/// runs out of process, as BenchmarkDotNet jobs do by default.
/// Run it without <c>--job</c>, which would add jobs of its own:
/// <c>dotnet run -c Release --project tests/Memory.Benchmarks -- --filter '*DoubleFreeCheck*'</c>.
/// </remarks>
[Config(typeof(CheckJobs))]
public class DoubleFreeCheckBenchmarks
{
    private PoolAllocator _pool = null!;
    private ThreadPoolAllocator _threadPool = null!;

    [Params(16, 64)]
    public int Size { get; set; }

    [Params(TrackingMode.Counters, TrackingMode.None)]
    public TrackingMode Tracking { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pool = new PoolAllocator("CheckPool", PoolSchemaOptions.Default);
        _pool.Records.Mode = Tracking;
        _threadPool = new ThreadPoolAllocator("CheckThreadPool", PoolSchemaOptions.Default);
        _threadPool.Records.Mode = Tracking;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pool.Dispose();
        _threadPool.Dispose();
    }

    [Benchmark]
    public void PoolPair() => _pool.DeAllocate(_pool.Allocate(Size));

    [Benchmark]
    public void ThreadPoolPair() => _threadPool.DeAllocate(_threadPool.Allocate(Size));

    /// <summary>The two jobs: check off (the baseline) and the default, on.</summary>
    private sealed class CheckJobs : ManualConfig
    {
        public CheckJobs()
        {
            // Three launches a job: each process lays the code out anew, which moves a 5 ns pair by up to 1 ns, more
            // than the check's cost; a ratio of a few percent needs the mean over launches (about 15 s a launch).
            Job measured = Job.Default.WithLaunchCount(3).WithWarmupCount(3).WithIterationCount(10);
            AddJob(measured.WithId("CheckOff").WithEnvironmentVariables(new BenchmarkDotNet.Jobs.EnvironmentVariable("MEMORY_DOUBLE_FREE_CHECK", "0")).AsBaseline());
            AddJob(measured.WithId("CheckOn"));
            WithOption(ConfigOptions.KeepBenchmarkFiles, false);
        }
    }
}
