using BillingConsole.Accounting.Payments;
using Stripe;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary><c>payment_intent.succeeded</c>: credits an auto-recharge. Checkout's own PaymentIntents are ignored here;
/// their session events credit them.</summary>
public sealed class PaymentIntentSucceededHandler(AutoRechargeCrediting crediting) : IStripeEventHandler
{
    public string EventType => EventTypes.PaymentIntentSucceeded;

    public Task<HandlerOutcome> HandleAsync(Event e, CancellationToken ct) => crediting.CreditAsync((PaymentIntent)e.Data.Object, ct);
}

/// <summary><c>payment_intent.payment_failed</c>: an auto-recharge was declined; auto-recharge is turned off with the
/// reason so the card is not retried every tick.</summary>
public sealed class PaymentIntentPaymentFailedHandler(PaymentAccounts accounts) : IStripeEventHandler
{
    public string EventType => EventTypes.PaymentIntentPaymentFailed;

    public async Task<HandlerOutcome> HandleAsync(Event e, CancellationToken ct)
    {
        var pi = (PaymentIntent)e.Data.Object;
        if (!AutoRechargeCrediting.IsAutoRecharge(pi) || StripeGateway.AccountOf(pi.Metadata) is not { } accountId)
            return HandlerOutcome.Ignored($"PaymentIntent {pi.Id} is not an auto-recharge.");
        var error = pi.LastPaymentError;
        var reason = $"The auto-recharge payment {pi.Id} failed: {error?.Message ?? "the card was declined"}"
            + (error?.DeclineCode is { } code ? $" ({code})" : "");
        await accounts.FailAsync(accountId, AutoRechargeCrediting.SequenceOf(pi), reason, ct);
        return HandlerOutcome.Processed($"Auto-recharge turned off for account {accountId}: {reason}", accountId, pi.Amount);
    }
}
