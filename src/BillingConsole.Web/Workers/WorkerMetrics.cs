using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using BillingConsole.Accounting.Coordination;

namespace BillingConsole.Web.Workers;

/// <summary>The workers' instruments on the <c>BillingConsole.Workers</c> meter, for an OpenTelemetry (or dotnet-counters)
/// listener: a counter of runs and a histogram of their durations, both tagged with <c>worker</c> and <c>outcome</c>
/// (<c>idle</c>, <c>worked</c>, <c>failed</c>, and <c>skipped</c> when another instance holds the job's lease), and the lag
/// of each worker (seconds since its last successful run). The last successful runs are also what readiness
/// (<c>/readyz</c>) reads through <see cref="Health.LocalWorkerRuns"/>. It also hands every <see cref="PeriodicWorker"/>
/// the instance's <see cref="Accounting.Coordination.WorkerLeases"/>: the one shared dependency each worker already
/// takes, so a new worker gets the lease without asking for it.</summary>
public sealed class WorkerMetrics
{
    public const string MeterName = "BillingConsole.Workers";
    public const string RunsName = "billing.worker.runs";
    public const string DurationName = "billing.worker.run.duration";
    public const string LagName = "billing.worker.lag";

    private readonly Counter<long> _runs;
    private readonly Histogram<double> _duration;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, WorkerHeartbeat> _heartbeats = new();

    public WorkerMetrics(IMeterFactory meters) : this(meters, TimeProvider.System)
    {
    }

    /// <param name="leases">Null runs every job on this instance without a lease (unit tests of the loop).</param>
    public WorkerMetrics(IMeterFactory meters, WorkerLeases? leases) : this(meters, TimeProvider.System, leases)
    {
    }

    public WorkerMetrics(IMeterFactory meters, TimeProvider clock, WorkerLeases? leases = null)
    {
        _clock = clock;
        Leases = leases;
        var meter = meters.Create(MeterName);
        _runs = meter.CreateCounter<long>(RunsName, "{run}", "Periodic worker runs, by worker and outcome.");
        _duration = meter.CreateHistogram<double>(DurationName, "s", "How long each periodic worker run took.");
        meter.CreateObservableGauge(LagName, ObserveLag, "s", "Seconds since each worker's last successful run (since its start before the first).");
    }

    public WorkerLeases? Leases { get; }

    public void Record(string worker, string outcome, TimeSpan duration)
    {
        var tags = new TagList { { "worker", worker }, { "outcome", outcome } };
        _runs.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>A worker's loop started: from now on it is expected to succeed every <paramref name="interval"/>.</summary>
    public void Started(string worker, TimeSpan interval, DateTimeOffset at) =>
        _heartbeats.AddOrUpdate(worker, _ => new WorkerHeartbeat(worker, interval, at, null), (_, h) => h with { Interval = interval, StartedAt = at });

    /// <summary>A run of the worker ended without an error (idle or worked).</summary>
    public void Succeeded(string worker, DateTimeOffset at) =>
        _heartbeats.AddOrUpdate(worker, _ => new WorkerHeartbeat(worker, TimeSpan.Zero, at, at), (_, h) => h with { LastSuccessAt = at });

    /// <summary>Every worker this process started, with its last successful run.</summary>
    public IReadOnlyList<WorkerHeartbeat> Heartbeats => [.. _heartbeats.Values.OrderBy(h => h.Worker, StringComparer.Ordinal)];

    private IEnumerable<Measurement<double>> ObserveLag()
    {
        var now = _clock.GetUtcNow();
        foreach (var h in Heartbeats)
            yield return new Measurement<double>(Math.Max(0, (now - (h.LastSuccessAt ?? h.StartedAt)).TotalSeconds), new KeyValuePair<string, object?>("worker", h.Worker));
    }
}
