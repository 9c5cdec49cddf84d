namespace Memory.Runtime.Tests.Testing;

/// <summary>
/// A thread that stays alive between steps a test hands it one at a time, as a thread-pool worker outlives the work it
/// runs: for tests of what a long-lived thread keeps between steps.
/// </summary>
public sealed class StepThread : IDisposable
{
    private readonly Thread _thread;
    private readonly SemaphoreSlim _ready = new(0);
    private readonly SemaphoreSlim _done = new(0);
    private Action? _step;
    private Exception? _failure;

    public StepThread()
    {
        _thread = new Thread(Loop) { IsBackground = true };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="step"/> on the thread, waits for it and rethrows what it threw.</summary>
    public void Run(Action step)
    {
        _step = step;
        _ready.Release();
        if (!_done.Wait(TimeSpan.FromMinutes(1)))
            throw new TimeoutException("The step did not finish.");
        if (_failure is { } failure)
        {
            _failure = null;
            throw new InvalidOperationException("The step failed on its thread.", failure);
        }
    }

    /// <summary>Runs <paramref name="step"/> on the thread and returns its result.</summary>
    public T Run<T>(Func<T> step)
    {
        T result = default!;
        Run(() => { result = step(); });
        return result;
    }

    public void Dispose()
    {
        _step = null;
        _ready.Release();
        _thread.Join();
        _ready.Dispose();
        _done.Dispose();
    }

    private void Loop()
    {
        while (true)
        {
            _ready.Wait();
            if (_step is not { } step)
                return;
            try
            {
                step();
            }
            catch (Exception exception)
            {
                _failure = exception;
            }
            _done.Release();
        }
    }
}
