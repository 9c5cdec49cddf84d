using System.Runtime.ExceptionServices;

namespace Memory.Benchmarks.Workloads;

/// <summary>
/// Threads that live as long as a workload run and execute one step per invocation, so per-thread allocator
/// state (thread caches, thread pools) persists from one invocation to the next as it does in the original
/// programs, and thread start-up is not measured.
/// </summary>
public sealed class WorkerThreads : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _go;
    private readonly CountdownEvent _done;
    private Action<int>? _step;
    private Exception? _failure;
    private volatile bool _stopping;

    /// <summary>Starts <paramref name="count"/> threads, idle until <see cref="Run"/>.</summary>
    public WorkerThreads(int count, string name)
    {
        _threads = new Thread[count];
        _go = new SemaphoreSlim[count];
        _done = new CountdownEvent(count);
        for (int i = 0; i < count; i++)
        {
            int index = i;
            _go[i] = new SemaphoreSlim(0);
            _threads[i] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"{name} {i}" };
            _threads[i].Start();
        }
    }

    /// <summary>The number of threads.</summary>
    public int Count => _threads.Length;

    /// <summary>Runs <paramref name="step"/>(thread index) on every thread and waits for all of them.</summary>
    public void Run(Action<int> step)
    {
        _step = step;
        _done.Reset();
        foreach (var go in _go)
            go.Release();
        _done.Wait();
        _step = null;

        if (Interlocked.Exchange(ref _failure, null) is { } failure)
            ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>Stops and joins the threads.</summary>
    public void Dispose()
    {
        _stopping = true;
        foreach (var go in _go)
            go.Release();
        foreach (var thread in _threads)
            thread.Join();
        foreach (var go in _go)
            go.Dispose();
        _done.Dispose();
    }

    private void Loop(int index)
    {
        while (true)
        {
            _go[index].Wait();
            if (_stopping)
                return;
            try
            {
                _step!(index);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
            finally
            {
                _done.Signal();
            }
        }
    }
}
