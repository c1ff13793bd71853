namespace BillingConsole.Accounting.Ledger;

/// <summary>A write waiting in a <see cref="LedgerCommitQueue{TWrite}"/>.</summary>
internal interface IQueuedWrite
{
    /// <summary>Answers the write's caller with the failure of the group it was in (nothing of it is known to be durable).</summary>
    void Fail(Exception exception);
}
