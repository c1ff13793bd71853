using BillingConsole.Web.Workers;
using Microsoft.Extensions.Logging;

namespace BillingConsole.Web.Tests.Workers;

/// <summary>A <see cref="PeriodicWorker"/> whose runs do what the test says, counting how many run at once.</summary>
public sealed class ScriptedWorker(TimeProvider clock, WorkerMetrics metrics, ILogger log, TimeSpan interval,
    Func<int, CancellationToken, Task<WorkerRunResult>> run, string name = "Scripted") : PeriodicWorker(clock, metrics, log)
{
    private int _active;
    private int _started;
    private int _completed;

    public override string Name => name;

    protected override TimeSpan Interval => interval;

    public int Started => Volatile.Read(ref _started);
    public int Completed => Volatile.Read(ref _completed);
    public int MaxConcurrent { get; private set; }

    protected override async Task<WorkerRunResult> RunOnceAsync(CancellationToken ct)
    {
        var active = Interlocked.Increment(ref _active);
        MaxConcurrent = Math.Max(MaxConcurrent, active);
        var number = Interlocked.Increment(ref _started);
        try
        {
            return await run(number, ct);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
            Interlocked.Increment(ref _completed);
        }
    }
}
