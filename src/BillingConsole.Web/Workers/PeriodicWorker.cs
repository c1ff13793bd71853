namespace BillingConsole.Web.Workers;

/// <summary>
/// The one shape of the console's background work: a run at start and then every <see cref="Interval"/>, one run at a
/// time (the loop awaits each run; ticks missed by a long run collapse into one), a failed run logged and retried on the
/// next tick, and every run logged with its duration and outcome and recorded in <see cref="WorkerMetrics"/>.
/// </summary>
public abstract class PeriodicWorker(TimeProvider clock, WorkerMetrics metrics, ILogger log) : BackgroundService
{
    public const string Idle = "idle";
    public const string Worked = "worked";
    public const string Failed = "failed";

    /// <summary>The worker's name in logs and metrics.</summary>
    public abstract string Name { get; }

    /// <summary>Time between the starts of two runs (read once, at start).</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>One pass of the work. Exceptions are logged by the base; the next tick runs again.</summary>
    protected abstract Task<WorkerRunResult> RunOnceAsync(CancellationToken ct);

    protected TimeProvider Clock => clock;

    protected ILogger Log => log;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        metrics.Started(Name, Interval, clock.GetUtcNow());
        do
            await RunAsync(stoppingToken);
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One measured run; never throws except when the host is stopping.</summary>
    internal async Task RunAsync(CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        try
        {
            var result = await RunOnceAsync(ct);
            var elapsed = clock.GetElapsedTime(started);
            var outcome = result.DidWork ? Worked : Idle;
            metrics.Record(Name, outcome, elapsed);
            metrics.Succeeded(Name, clock.GetUtcNow());
            log.Log(result.DidWork ? LogLevel.Information : LogLevel.Debug, "{Worker} run {Outcome} in {DurationMs:F0} ms: {Summary}",
                Name, outcome, elapsed.TotalMilliseconds, result.Summary);
        }
        catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            var elapsed = clock.GetElapsedTime(started);
            metrics.Record(Name, Failed, elapsed);
            log.LogError(e, "{Worker} run {Outcome} in {DurationMs:F0} ms; retrying in {Interval}", Name, Failed, elapsed.TotalMilliseconds, Interval);
        }
    }
}
