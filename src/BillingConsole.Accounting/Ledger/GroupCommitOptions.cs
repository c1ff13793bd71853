namespace BillingConsole.Accounting.Ledger;

/// <summary><c>Ledger:GroupCommit</c>: ledger writes that arrive while another commit is in flight are written together,
/// in one transaction (one disk sync), by <see cref="LedgerCommitQueue{TWrite}"/>.</summary>
public sealed class GroupCommitOptions
{
    /// <summary>Null (the default): on for SQLite, off for PostgreSQL and SQL Server, where it measured slower (a group
    /// holds its accounts' row locks until its commit, and their servers already share WAL flushes between commits;
    /// docs/performance.md).</summary>
    public bool? Enabled { get; set; }

    /// <summary>The most writes one group commit holds: bounds how long a group keeps its account rows locked.</summary>
    public int MaxBatch { get; set; } = 64;

    /// <summary>How long a group waits for more writes before it runs (0: none). A write on an idle system never waits.</summary>
    public int MaxWaitMs { get; set; }

    /// <summary>Commits in flight per database before writes wait for a group; 0: one on SQLite (a single writer), eight
    /// on PostgreSQL and SQL Server (measured: one at a time serialised their backends and halved throughput).</summary>
    public int MaxInFlight { get; set; }

    public string? Check() =>
        MaxInFlight is < 0 or > 256 ? "Ledger:GroupCommit:MaxInFlight must be between 0 and 256."
        : MaxBatch is < 1 or > 1000 ? "Ledger:GroupCommit:MaxBatch must be between 1 and 1000."
        : MaxWaitMs is < 0 or > 1000 ? "Ledger:GroupCommit:MaxWaitMs must be between 0 and 1000."
        : null;
}
