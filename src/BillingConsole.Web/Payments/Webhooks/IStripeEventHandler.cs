using BillingConsole.Accounting.Payments;
using Stripe;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>Handles one Stripe event type. Handlers write the ledger only through <see cref="PaymentPostings"/>, with
/// keys derived from Stripe object ids, so running a handler twice (or twice at once) for the same event is harmless.</summary>
public interface IStripeEventHandler
{
    string EventType { get; }

    Task<HandlerOutcome> HandleAsync(Event stripeEvent, CancellationToken ct);
}

/// <summary>What handling an event came to; see <see cref="StripeEventOutcomes"/>.</summary>
public sealed record HandlerOutcome(string Outcome, string Detail, long? AccountId = null, long? AmountCents = null)
{
    public static HandlerOutcome Processed(string detail, long accountId, long? amountCents) => new(StripeEventOutcomes.Processed, detail, accountId, amountCents);
    public static HandlerOutcome Ignored(string detail, long? accountId = null) => new(StripeEventOutcomes.Ignored, detail, accountId);
    public static HandlerOutcome Deferred(string detail, long? accountId = null) => new(StripeEventOutcomes.Deferred, detail, accountId);
    public static HandlerOutcome Failed(string detail, long? accountId = null) => new(StripeEventOutcomes.Failed, detail, accountId);
}
