namespace BillingConsole.Accounting.Ledger;

/// <summary><c>Ledger:GroupCommit</c>: ledger writes that arrive while another commit is in flight are written together,
/// in one transaction (one disk sync), by <see cref="LedgerCommitQueue{TWrite}"/>.</summary>
public sealed class GroupCommitOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>The most writes one group commit holds: bounds how long a group keeps its account rows locked.</summary>
    public int MaxBatch { get; set; } = 64;

    /// <summary>How long a group waits for more writes before it runs (0: none). A write on an idle system never waits.</summary>
    public int MaxWaitMs { get; set; }

    public string? Check() =>
        MaxBatch is < 1 or > 1000 ? "Ledger:GroupCommit:MaxBatch must be between 1 and 1000."
        : MaxWaitMs is < 0 or > 1000 ? "Ledger:GroupCommit:MaxWaitMs must be between 0 and 1000."
        : null;
}
