using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using Stripe;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>
/// Chargebacks. <c>charge.dispute.created</c> takes the disputed credits (a dispute entry, key <c>stripe:{dp}</c>, at
/// most the credits the payment bought); <c>charge.dispute.closed</c> as won gives them back as a dispute_reversal
/// (key <c>stripe:{dp}:won</c>), the exact amount the dispute took. Closing first makes sure the dispute entry exists
/// (same key, so it is written once), so the ledger ends the same whichever event comes first. Inquiries
/// (<c>warning_*</c>) withdraw no money and write nothing.
/// </summary>
public sealed class DisputeLedger(PaymentLookup lookup, PaymentPostings postings, StripeClient? stripe = null)
{
    public async Task<(CreditedPayment? Payment, Money Taken, HandlerOutcome? Otherwise)> EnsureDebitedAsync(Dispute d, CancellationToken ct)
    {
        var paymentIntentId = d.PaymentIntentId;
        if (paymentIntentId is null && stripe is not null && d.ChargeId is { } chargeId)
            paymentIntentId = (await stripe.V1.Charges.GetAsync(chargeId, cancellationToken: ct)).PaymentIntentId;
        if (paymentIntentId is null)
            return (null, Money.Zero, HandlerOutcome.Ignored($"Dispute {d.Id} is on a charge without a PaymentIntent: not a console payment."));
        var resolved = await lookup.ResolveAsync(paymentIntentId, ct);
        if (resolved.Payment is not { } payment)
            return (null, Money.Zero, resolved.Otherwise);
        var disputed = Money.FromCents(d.Amount);
        var taken = disputed < payment.Credits ? disputed : payment.Credits;
        if (taken.Units <= 0)
            return (null, Money.Zero, HandlerOutcome.Ignored($"Dispute {d.Id} disputes nothing.", payment.AccountId));
        var posted = await postings.DebitDisputeAsync(payment.AccountId, d.Id, taken,
            $"Chargeback {d.Id} opened on {payment.RefId} ({disputed} disputed, reason: {d.Reason ?? "unknown"})", ct);
        if (posted.Failure is { } failure && failure.Error != LedgerError.IdempotencyConflict)
            return (payment, Money.Zero, HandlerOutcome.Failed($"Recording dispute {d.Id} failed: {failure.Message}", payment.AccountId));
        var amount = await postings.FindAmountAsync(payment.AccountId, PaymentKeys.StripeDispute(d.Id), ct) ?? -taken;
        return (payment, -amount, null);
    }

    public static bool IsInquiry(Dispute d) => d.Status?.StartsWith("warning_", StringComparison.Ordinal) == true;
}
