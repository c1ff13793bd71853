using BillingConsole.Accounting.Coordination;

namespace BillingConsole.Web.Workers;

/// <summary>
/// The one shape of the console's background work: a run at start and then every <see cref="Interval"/>, one run at a
/// time (the loop awaits each run; ticks missed by a long run collapse into one), a failed run logged and retried on the
/// next tick, and every run logged with its duration and outcome and recorded in <see cref="WorkerMetrics"/>.
/// With several instances on one database, each run first takes the job's lease (<see cref="WorkerLeases"/>, handed over
/// by <see cref="WorkerMetrics.Leases"/>): an instance that does not hold it skips the tick, so a job runs on one
/// instance at a time. The jobs stay correct if two run anyway (their writes carry idempotent ledger keys or
/// conditional updates); the lease saves the duplicate work and keeps runs observable.
/// </summary>
public abstract class PeriodicWorker(TimeProvider clock, WorkerMetrics metrics, ILogger log) : BackgroundService
{
    public const string Idle = "idle";
    public const string Worked = "worked";
    public const string Failed = "failed";
    public const string Skipped = "skipped";

    // Only the worker's own loop touches it: whether the last run held the lease (handed back on shutdown).
    private bool _holdsLease;

    /// <summary>The worker's name in logs, metrics and <c>worker_leases</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Time between the starts of two runs (read once, at start).</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>How long a lease keeps other instances off the job: three intervals, renewed while a run lasts, so a
    /// crashed holder's job moves to another instance within about three intervals.</summary>
    protected virtual TimeSpan LeaseDuration => Interval * 3;

    /// <summary>One pass of the work. Exceptions are logged by the base; the next tick runs again.</summary>
    protected abstract Task<WorkerRunResult> RunOnceAsync(CancellationToken ct);

    protected TimeProvider Clock => clock;

    protected ILogger Log => log;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var timer = new PeriodicTimer(Interval, clock);
            metrics.Started(Name, Interval, clock.GetUtcNow());
            do
                await RunAsync(stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        finally
        {
            await HandBackLeaseAsync();
        }
    }

    /// <summary>One measured run; never throws except when the host is stopping.</summary>
    internal async Task RunAsync(CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        var leases = metrics.Leases;
        try
        {
            long? number = null;
            if (leases is not null)
            {
                number = await leases.TryStartRunAsync(Name, LeaseDuration, ct);
                _holdsLease = number is not null;
                if (number is null)
                {
                    metrics.Record(Name, Skipped, clock.GetElapsedTime(started));
                    // The job is covered: another instance holds a live lease (it lapses if that instance stops), so
                    // readiness must not call this instance stale for a job it is not meant to run.
                    metrics.Succeeded(Name, clock.GetUtcNow());
                    log.LogDebug("{Worker} run {Outcome}: another instance holds the lease ({Holder} does not)", Name, Skipped, leases.Holder);
                    return;
                }
            }
            var startedAt = clock.GetUtcNow();
            var result = await RunLeasedAsync(leases, ct);
            if (leases is not null)
                await leases.RenewAsync(Name, LeaseDuration, finished: true, ct);
            var elapsed = clock.GetElapsedTime(started);
            var outcome = result.DidWork ? Worked : Idle;
            metrics.Record(Name, outcome, elapsed);
            metrics.Succeeded(Name, clock.GetUtcNow());
            var level = result.DidWork ? LogLevel.Information : LogLevel.Debug;
            if (leases is null)
                log.Log(level, "{Worker} run {Outcome} in {DurationMs:F0} ms: {Summary}", Name, outcome, elapsed.TotalMilliseconds, result.Summary);
            else
                log.Log(level, "{Worker} run {Outcome} in {DurationMs:F0} ms: {Summary} (run {RunNumber} on {Holder}, {StartedAt:O} to {FinishedAt:O})",
                    Name, outcome, elapsed.TotalMilliseconds, result.Summary, number, leases.Holder, startedAt, clock.GetUtcNow());
        }
        catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            var elapsed = clock.GetElapsedTime(started);
            metrics.Record(Name, Failed, elapsed);
            log.LogError(e, "{Worker} run {Outcome} in {DurationMs:F0} ms; retrying in {Interval}", Name, Failed, elapsed.TotalMilliseconds, Interval);
        }
    }

    /// <summary>Runs the work while renewing the lease every third of its duration; a lease lost meanwhile (this instance
    /// stalled past its expiry and another took over) cancels the run rather than let two overlap.</summary>
    private async Task<WorkerRunResult> RunLeasedAsync(WorkerLeases? leases, CancellationToken ct)
    {
        if (leases is null)
            return await RunOnceAsync(ct);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var stopRenewing = new CancellationTokenSource();
        var renewing = RenewWhileRunningAsync(leases, run, stopRenewing.Token);
        try
        {
            return await RunOnceAsync(run.Token);
        }
        finally
        {
            await stopRenewing.CancelAsync();
            await renewing;
        }
    }

    private async Task RenewWhileRunningAsync(WorkerLeases leases, CancellationTokenSource run, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(LeaseDuration / 3, clock, stop);
                try
                {
                    if (await leases.RenewAsync(Name, LeaseDuration, finished: false, stop))
                        continue;
                    log.LogWarning("{Worker} lost its lease to another instance during a run; cancelling the run", Name);
                    await run.CancelAsync();
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The next renewal (or the run's own end) tries again; the lease outlives two missed renewals.
                    log.LogWarning(e, "{Worker} could not renew its lease", Name);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>On shutdown, lets another instance take the job at its next tick instead of after the lease expires.</summary>
    private async Task HandBackLeaseAsync()
    {
        if (metrics.Leases is not { } leases || !_holdsLease)
            return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await leases.ReleaseAsync(Name, timeout.Token);
        }
        catch (Exception e)
        {
            // Best effort: the lease then simply expires.
            log.LogWarning(e, "{Worker} could not hand its lease back", Name);
        }
    }
}
