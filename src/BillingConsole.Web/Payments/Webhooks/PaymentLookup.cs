using BillingConsole.Accounting.Payments;
using Stripe;
using Stripe.Checkout;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>The credited payment a refund or dispute belongs to, or the outcome to record when there is none.</summary>
public sealed record PaymentResolution(CreditedPayment? Payment, HandlerOutcome? Otherwise);

/// <summary>
/// Finds the purchase (or auto-recharge) behind a PaymentIntent for refunds and disputes. Out-of-order policy: when the
/// refund or dispute arrives before the purchase was credited, the purchase is fetched from the Stripe API and credited
/// first, through the very postings (and keys) its own event will use, so that event later finds it done and the
/// ledger ends the same whatever the order. Without the Stripe API (development mode) the event is deferred: the
/// webhook answers 503 and Stripe delivers it again later.
/// </summary>
public sealed class PaymentLookup(StripeEventLog events, PaymentPostings postings, CheckoutCrediting checkout, AutoRechargeCrediting recharge,
    StripeClient? stripe = null)
{
    public async Task<PaymentResolution> ResolveAsync(string paymentIntentId, CancellationToken ct)
    {
        if (await events.FindCreditedPaymentAsync(paymentIntentId, ct) is { } recorded && await FindAsync(recorded.AccountId, recorded.ObjectId, ct) is { } known)
            return new(known, null);
        if (stripe is null)
            return new(null, HandlerOutcome.Deferred($"The payment {paymentIntentId} is not credited yet; waiting for its own event."));

        var sessions = await stripe.V1.Checkout.Sessions.ListAsync(new SessionListOptions { PaymentIntent = paymentIntentId, Limit = 1 }, cancellationToken: ct);
        if (sessions.Data.FirstOrDefault() is { } session)
            return await CreditedAsync(await checkout.CreditAsync(session, ct), session.Id, ct);

        var intent = await stripe.V1.PaymentIntents.GetAsync(paymentIntentId, cancellationToken: ct);
        if (AutoRechargeCrediting.IsAutoRecharge(intent))
            return await CreditedAsync(await recharge.CreditAsync(intent, ct), intent.Id, ct);
        return new(null, HandlerOutcome.Ignored($"The payment {paymentIntentId} is not a console purchase or auto-recharge."));
    }

    private async Task<PaymentResolution> CreditedAsync(HandlerOutcome outcome, string objectId, CancellationToken ct) =>
        outcome.Outcome == StripeEventOutcomes.Processed && outcome.AccountId is { } accountId && await FindAsync(accountId, objectId, ct) is { } payment
            ? new(payment, null)
            : new(null, outcome.Outcome == StripeEventOutcomes.Processed ? HandlerOutcome.Failed($"{objectId} was processed but its entries are missing.") : outcome);

    private Task<CreditedPayment?> FindAsync(long accountId, string objectId, CancellationToken ct) =>
        objectId.StartsWith("cs_", StringComparison.Ordinal)
            ? postings.FindCreditedAsync(accountId, PaymentKeys.StripeTopup(objectId), PaymentKeys.StripeFee(objectId), ct)
            : postings.FindCreditedAsync(accountId, PaymentKeys.StripeAutoRecharge(objectId), null, ct);
}
