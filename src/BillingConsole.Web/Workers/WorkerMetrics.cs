using System.Diagnostics;
using System.Diagnostics.Metrics;
using BillingConsole.Accounting.Coordination;

namespace BillingConsole.Web.Workers;

/// <summary>The workers' instruments on the <c>BillingConsole.Workers</c> meter, for an OpenTelemetry (or dotnet-counters)
/// listener: a counter of runs and a histogram of their durations, both tagged with <c>worker</c> and <c>outcome</c>
/// (<c>idle</c>, <c>worked</c>, <c>failed</c>, and <c>skipped</c> when another instance holds the job's lease). It also
/// hands every <see cref="PeriodicWorker"/> the instance's <see cref="Accounting.Coordination.WorkerLeases"/>: the one
/// shared dependency each worker already takes, so a new worker gets the lease without asking for it.</summary>
public sealed class WorkerMetrics
{
    public const string MeterName = "BillingConsole.Workers";
    public const string RunsName = "billing.worker.runs";
    public const string DurationName = "billing.worker.run.duration";

    private readonly Counter<long> _runs;
    private readonly Histogram<double> _duration;

    /// <param name="leases">Null runs every job on this instance without a lease (unit tests of the loop).</param>
    public WorkerMetrics(IMeterFactory meters, WorkerLeases? leases = null)
    {
        Leases = leases;
        var meter = meters.Create(MeterName);
        _runs = meter.CreateCounter<long>(RunsName, "{run}", "Periodic worker runs, by worker and outcome.");
        _duration = meter.CreateHistogram<double>(DurationName, "s", "How long each periodic worker run took.");
    }

    public WorkerLeases? Leases { get; }

    public void Record(string worker, string outcome, TimeSpan duration)
    {
        var tags = new TagList { { "worker", worker }, { "outcome", outcome } };
        _runs.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }
}
