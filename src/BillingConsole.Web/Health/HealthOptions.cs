namespace BillingConsole.Web.Health;

/// <summary><c>Health</c>: how readiness judges the background workers.</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>A worker is stale when its last successful run (or its start, before the first) is older than this many
    /// of its intervals: one missed tick is normal under load, several mean it is stuck or failing.</summary>
    public int WorkerStaleAfterIntervals { get; set; } = 3;
}
