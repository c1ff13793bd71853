using BillingConsole.Accounting.Payments;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>What handling an event came to; see <see cref="PaymentEventOutcomes"/>.</summary>
public sealed record HandlerOutcome(string Outcome, string Detail, long? AccountId = null, long? AmountCents = null)
{
    public static HandlerOutcome Processed(string detail, long accountId, long? amountCents) => new(PaymentEventOutcomes.Processed, detail, accountId, amountCents);
    public static HandlerOutcome Ignored(string detail, long? accountId = null) => new(PaymentEventOutcomes.Ignored, detail, accountId);
    public static HandlerOutcome Deferred(string detail, long? accountId = null) => new(PaymentEventOutcomes.Deferred, detail, accountId);
    public static HandlerOutcome Failed(string detail, long? accountId = null) => new(PaymentEventOutcomes.Failed, detail, accountId);
}
