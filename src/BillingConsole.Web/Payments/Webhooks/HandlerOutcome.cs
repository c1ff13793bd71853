using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>What handling an event came to; see <see cref="PaymentEventOutcomes"/>.</summary>
public sealed record HandlerOutcome(string Outcome, string Detail, long? AccountId = null, long? AmountCents = null)
{
    public static HandlerOutcome Processed(string detail, long accountId, long? amountCents) => new(PaymentEventOutcomes.Processed, detail, accountId, amountCents);
    public static HandlerOutcome Ignored(string detail, long? accountId = null) => new(PaymentEventOutcomes.Ignored, detail, accountId);
    public static HandlerOutcome Deferred(string detail, long? accountId = null) => new(PaymentEventOutcomes.Deferred, detail, accountId);
    public static HandlerOutcome Failed(string detail, long? accountId = null) => new(PaymentEventOutcomes.Failed, detail, accountId);

    /// <summary>A ledger write refused: failed (the provider delivers again), except on a closed account, which takes no
    /// entry ever again (closing is final), so retrying for days would change nothing: recorded as ignored, saying so,
    /// for staff to settle with the customer at the provider.</summary>
    public static HandlerOutcome LedgerRefused(string detail, LedgerFailure failure, long accountId) =>
        failure.Error == LedgerError.AccountClosed
            ? Ignored($"{detail}: account {accountId} is closed, so the ledger cannot record it; settle it with the customer at the provider.", accountId)
            : Failed($"{detail}: {failure.Message}", accountId);
}
