namespace BillingConsole.Accounting.Coordination;

/// <summary>Who may run a periodic job now: one row per job name (<c>worker_leases</c>), taken with one conditional
/// update by the instance whose lease it is or, once <see cref="ExpiresAt"/> passed, by any instance.</summary>
public sealed class WorkerLease
{
    public required string Name { get; set; }

    /// <summary>The instance holding it (<see cref="WorkerLeases.Holder"/>: machine, process id and a random suffix).</summary>
    public required string Holder { get; set; }

    /// <summary>When the current holder took it over from another (or created it).</summary>
    public DateTime AcquiredAt { get; set; }

    /// <summary>Until when no other instance may take it; the holder renews it at each run and while a run lasts.</summary>
    public DateTime ExpiresAt { get; set; }

    /// <summary>Runs of the job on every instance so far; each run takes the next number.</summary>
    public long RunCount { get; set; }

    public DateTime? LastRunStartedAt { get; set; }

    public DateTime? LastRunFinishedAt { get; set; }
}
