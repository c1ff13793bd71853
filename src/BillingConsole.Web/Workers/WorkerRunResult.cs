namespace BillingConsole.Web.Workers;

/// <summary>What one run of a <see cref="PeriodicWorker"/> did: a short summary for the log, and whether it found work
/// (idle runs are logged at Debug so a quiet system does not fill the log every few seconds).</summary>
public sealed record WorkerRunResult(bool DidWork, string Summary)
{
    public static WorkerRunResult Idle(string summary = "nothing to do") => new(false, summary);

    public static WorkerRunResult Worked(string summary) => new(true, summary);
}
