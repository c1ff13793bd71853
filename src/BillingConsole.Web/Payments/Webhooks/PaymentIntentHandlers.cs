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

/// <summary><c>payment_intent.payment_failed</c>: an auto-recharge was declined; the reason is stored and the failure
/// counted once per attempt (<see cref="PaymentAccounts.FailAsync"/>: the third in a row turns auto-recharge off).</summary>
public sealed class PaymentIntentPaymentFailedHandler(PaymentAccounts accounts) : IStripeEventHandler
{
    public string EventType => EventTypes.PaymentIntentPaymentFailed;

    public async Task<HandlerOutcome> HandleAsync(Event e, CancellationToken ct)
    {
        var pi = (PaymentIntent)e.Data.Object;
        if (!AutoRechargeCrediting.IsAutoRecharge(pi) || StripeGateway.AccountOf(pi.Metadata) is not { } accountId)
            return HandlerOutcome.Ignored($"PaymentIntent {pi.Id} is not an auto-recharge.");
        var error = pi.LastPaymentError;
        var reason = DeclineReasons.Describe(error?.DeclineCode ?? error?.Code, error?.Message);
        var counted = await accounts.FailAsync(accountId, AutoRechargeCrediting.SequenceOf(pi), reason, ct);
        return HandlerOutcome.Processed(counted
            ? $"Auto-recharge attempt {pi.Id} of account {accountId} failed: {reason}"
            : $"Auto-recharge attempt {pi.Id} was already recorded as failed.", accountId, pi.Amount);
    }
}
