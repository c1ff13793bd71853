using BillingConsole.Web.Workers;

namespace BillingConsole.Web.Health;

/// <summary>Where readiness learns when each worker last succeeded. The default reads this process's workers
/// (<see cref="LocalWorkerRuns"/>); with several instances a source that also reads the other instances' runs (a lease
/// held elsewhere) can replace it, so a worker that runs on another instance does not make this one unready.</summary>
public interface IWorkerRunSource
{
    Task<IReadOnlyList<WorkerHeartbeat>> GetAsync(CancellationToken ct);
}
