using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>
/// Chargebacks. Opening takes the disputed credits (a dispute entry, key <c>{provider}:{dispute}</c>, at most the
/// credits the payment bought); closing as won gives them back as a dispute_reversal (key <c>{provider}:{dispute}:won</c>),
/// the exact amount the dispute took. Closing first makes sure the dispute entry exists (same key, so it is written
/// once), so the ledger ends the same whichever event comes first. Inquiries withdraw no money and write nothing.
/// </summary>
public sealed class DisputeLedger(PaymentLookup lookup, PaymentPostings postings, IPaymentGateway gateway, IPaymentEvents events)
{
    public async Task<HandlerOutcome> OpenedAsync(DisputeChanged d, CancellationToken ct)
    {
        if (d.State == DisputeState.Inquiry)
            return HandlerOutcome.Ignored($"Dispute {d.Reference} is an inquiry ({d.Status}): no money was withdrawn.");
        var (payment, taken, otherwise) = await EnsureDebitedAsync(d, ct);
        return otherwise ?? HandlerOutcome.Processed($"Dispute {d.Reference} took {taken} from account {payment!.AccountId}.", payment.AccountId, d.AmountCents);
    }

    public async Task<HandlerOutcome> ClosedAsync(DisputeChanged d, CancellationToken ct)
    {
        if (d.State is not (DisputeState.Won or DisputeState.Lost))
            return HandlerOutcome.Ignored($"Dispute {d.Reference} closed as {d.Status}: no money moved.");
        var (payment, taken, otherwise) = await EnsureDebitedAsync(d, ct);
        if (otherwise is not null)
            return otherwise;
        if (d.State == DisputeState.Lost)
            return HandlerOutcome.Processed($"Dispute {d.Reference} lost: the {taken} it took stays taken.", payment!.AccountId, d.AmountCents);
        var reversed = await postings.ReverseDisputeAsync(events.Provider, payment!.AccountId, d.Reference, taken,
            $"Chargeback {d.Reference} won: the {taken} it took from {payment.RefId} is restored", ct);
        if (reversed.Failure is { } failure && failure.Error != LedgerError.IdempotencyConflict)
            return HandlerOutcome.LedgerRefused($"Reversing dispute {d.Reference} failed", failure, payment.AccountId);
        return HandlerOutcome.Processed($"Dispute {d.Reference} won: restored {taken} to account {payment.AccountId}.", payment.AccountId, d.AmountCents);
    }

    private async Task<(CreditedPayment? Payment, Money Taken, HandlerOutcome? Otherwise)> EnsureDebitedAsync(DisputeChanged d, CancellationToken ct)
    {
        var paymentId = d.PaymentId;
        if (paymentId is null && d.ChargeReference is { } charge)
        {
            var found = await gateway.GetPaymentOfChargeAsync(charge, ct);
            if (found.Failure is { Kind: not PaymentErrorKind.NotSupported } failed)
                return (null, Money.Zero, HandlerOutcome.Failed($"Reading charge {charge} of dispute {d.Reference} failed: {failed.Message}"));
            paymentId = found.Value?.PaymentId;
        }
        if (paymentId is null)
            return (null, Money.Zero, HandlerOutcome.Ignored($"Dispute {d.Reference} is on a charge without a PaymentIntent: not a console payment."));
        var resolved = await lookup.ResolveAsync(paymentId, ct);
        if (resolved.Payment is not { } payment)
            return (null, Money.Zero, resolved.Otherwise);
        var disputed = Money.FromCents(d.AmountCents);
        var taken = disputed < payment.Credits ? disputed : payment.Credits;
        if (taken.Units <= 0)
            return (null, Money.Zero, HandlerOutcome.Ignored($"Dispute {d.Reference} disputes nothing.", payment.AccountId));
        var provider = events.Provider;
        var posted = await postings.DebitDisputeAsync(provider, payment.AccountId, d.Reference, taken,
            $"Chargeback {d.Reference} opened on {payment.RefId} ({disputed} disputed, reason: {d.Reason ?? "unknown"})", ct);
        if (posted.Failure is { } failure && failure.Error != LedgerError.IdempotencyConflict)
            return (payment, Money.Zero, HandlerOutcome.LedgerRefused($"Recording dispute {d.Reference} failed", failure, payment.AccountId));
        var amount = await postings.FindAmountAsync(payment.AccountId, PaymentKeys.Dispute(provider, d.Reference), ct) ?? -taken;
        return (payment, -amount, null);
    }
}
