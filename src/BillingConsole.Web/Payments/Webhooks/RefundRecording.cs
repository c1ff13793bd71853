using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>
/// Refunds of a paid object: one payment_refund entry per refund, keyed <c>{provider}:{paid}:{refund}</c>, so a partial
/// refund, a second partial refund and any re-delivery each count once. The refunds come from the event when it lists
/// them all, else from the gateway. Credits taken follow <see cref="PaymentPostings.CreditsTakenBy"/>: face value until
/// the purchased credits are gone, the rest returns the fee.
/// </summary>
public sealed class RefundRecording(PaymentLookup lookup, PaymentPostings postings, IPaymentGateway gateway, IPaymentEvents events)
{
    public async Task<HandlerOutcome> HandleAsync(RefundsChanged r, CancellationToken ct)
    {
        if (r.PaymentId is not { } paymentId)
            return HandlerOutcome.Ignored($"Charge {r.Reference} has no PaymentIntent: not a console payment.");
        var resolved = await lookup.ResolveAsync(paymentId, ct);
        if (resolved.Payment is not { } payment)
            return resolved.Otherwise!;

        var refunds = r.Refunds;
        if (refunds is null)
        {
            var listed = await gateway.ListRefundsAsync(r.Reference, ct);
            if (listed.Failure is { Kind: PaymentErrorKind.NotSupported })
                return HandlerOutcome.Deferred($"Charge {r.Reference} does not list its refunds and there is no provider API to ask.", payment.AccountId);
            if (listed.Value is null)
                return HandlerOutcome.Failed($"Listing the refunds of charge {r.Reference} failed: {listed.Failure!.Message}", payment.AccountId);
            refunds = listed.Value;
        }

        var provider = events.Provider;
        var notes = new List<string>();
        var before = Money.Zero;
        foreach (var refund in refunds.OrderBy(x => x.CreatedAt).ThenBy(x => x.Reference, StringComparer.Ordinal))
        {
            var cash = Money.FromCents(refund.AmountCents);
            var credits = PaymentPostings.CreditsTakenBy(payment.Credits, before, cash);
            before += cash;
            if (credits.Units == 0)
            {
                notes.Add($"{refund.Reference} returns the fee only");
                continue;
            }
            var posted = await postings.DebitRefundAsync(provider, payment.AccountId, r.Reference, refund.Reference, credits,
                $"Refund {refund.Reference} of {cash} to the card for {payment.RefId} (charge {r.Reference})", ct);
            if (posted.Failure is { Error: not LedgerError.IdempotencyConflict } failure)
                return HandlerOutcome.LedgerRefused($"Recording refund {refund.Reference} failed", failure, payment.AccountId);
            notes.Add(posted.Value is { Replayed: false } ? $"{refund.Reference} took {credits}" : $"{refund.Reference} already recorded");
        }
        return HandlerOutcome.Processed(notes.Count == 0 ? $"Charge {r.Reference} has no refund to record." : string.Join("; ", notes),
            payment.AccountId, r.RefundedCents);
    }
}
