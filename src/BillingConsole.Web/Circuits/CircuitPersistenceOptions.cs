namespace BillingConsole.Web.Circuits;

/// <summary>How long a paused or evicted Blazor circuit's state can be resumed (<c>Circuits</c> section). The state is
/// kept in <c>distributed_cache</c> so a reconnect that lands on another instance resumes it there.</summary>
public sealed class CircuitPersistenceOptions
{
    public const string Section = "Circuits";

    /// <summary>How long an instance keeps a circuit whose browser went away in memory before it stores the circuit's
    /// state in the database and frees it (after that, a reconnect on any instance resumes from the database).</summary>
    public TimeSpan DisconnectedRetention { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How long the state stays in the database for any instance to resume.</summary>
    public TimeSpan PersistedRetention { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How long the instance that paused a circuit also keeps its state in memory (a resume there skips the
    /// database read).</summary>
    public TimeSpan PersistedInMemoryRetention { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long an instance that is asked to stop waits for its circuits' browsers to pause them (and resume
    /// elsewhere) before it stops anyway.</summary>
    public TimeSpan ShutdownPauseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often expired rows of <c>distributed_cache</c> are deleted (by whichever instance uses the cache).</summary>
    public TimeSpan CacheSweepInterval { get; set; } = TimeSpan.FromMinutes(30);
}
