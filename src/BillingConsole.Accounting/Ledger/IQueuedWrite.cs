namespace BillingConsole.Accounting.Ledger;

/// <summary>A write waiting in a <see cref="LedgerCommitQueue{TWrite}"/>.</summary>
internal interface IQueuedWrite
{
    /// <summary>Answers the write's caller with the failure of the group it was in (nothing of it is known to be durable).</summary>
    void Fail(Exception exception);

    /// <summary>What the write counts for against a group's <see cref="GroupCommitOptions.MaxBatch"/>: one, or its holds
    /// for a batch of resolutions.</summary>
    int Size => 1;
}
