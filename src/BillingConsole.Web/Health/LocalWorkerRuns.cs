using BillingConsole.Web.Workers;

namespace BillingConsole.Web.Health;

/// <summary>The workers of this process, as <see cref="WorkerMetrics"/> saw them start and succeed.</summary>
public sealed class LocalWorkerRuns(WorkerMetrics metrics) : IWorkerRunSource
{
    public Task<IReadOnlyList<WorkerHeartbeat>> GetAsync(CancellationToken ct) => Task.FromResult(metrics.Heartbeats);
}
