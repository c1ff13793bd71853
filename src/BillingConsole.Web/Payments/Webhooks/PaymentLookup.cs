using BillingConsole.Accounting.Payments;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>The credited payment a refund or dispute belongs to, or the outcome to record when there is none.</summary>
public sealed record PaymentResolution(CreditedPayment? Payment, HandlerOutcome? Otherwise);

/// <summary>
/// Finds the purchase (or auto-recharge) behind a payment for refunds and disputes. Out-of-order policy: when the
/// refund or dispute arrives before the purchase was credited, the purchase is fetched through the gateway and credited
/// first, through the very postings (and keys) its own event will use, so that event later finds it done and the
/// ledger ends the same whatever the order. With no provider to ask (development mode) the event is deferred: the
/// webhook answers 503 and the provider delivers it again later.
/// </summary>
public sealed class PaymentLookup(PaymentEventLog log, IPaymentEvents events, PaymentPostings postings, PurchaseCrediting purchases,
    AutoRechargeCrediting recharges, IPaymentGateway gateway)
{
    public async Task<PaymentResolution> ResolveAsync(string paymentId, CancellationToken ct)
    {
        if (await log.FindCreditedPaymentAsync(paymentId, events, ct) is { } recorded
            && await postings.FindCreditedAsync(events.Provider, recorded.AccountId, recorded.ObjectId, ct) is { } known)
            return new(known, null);
        var found = await gateway.FindPaymentAsync(paymentId, ct);
        if (found.Failure is { Kind: PaymentErrorKind.NotSupported })
            return new(null, HandlerOutcome.Deferred($"The payment {paymentId} is not credited yet; waiting for its own event."));
        if (found.Value is not { } payment)
            return new(null, HandlerOutcome.Failed($"Fetching the payment {paymentId} failed: {found.Failure!.Message}"));
        return payment.Kind switch
        {
            PaymentKind.Purchase => await CreditedAsync(await purchases.CreditAsync(payment, ct), payment.Reference, ct),
            PaymentKind.AutoRecharge => await CreditedAsync(await recharges.CreditAsync(payment, ct), payment.Reference, ct),
            _ => new(null, HandlerOutcome.Ignored($"The payment {paymentId} is not a console purchase or auto-recharge.")),
        };
    }

    private async Task<PaymentResolution> CreditedAsync(HandlerOutcome outcome, string reference, CancellationToken ct) =>
        outcome.Outcome == PaymentEventOutcomes.Processed && outcome.AccountId is { } accountId
            && await postings.FindCreditedAsync(events.Provider, accountId, reference, ct) is { } payment
            ? new(payment, null)
            : new(null, outcome.Outcome == PaymentEventOutcomes.Processed ? HandlerOutcome.Failed($"{reference} was processed but its entries are missing.") : outcome);
}
