using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using Stripe;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>
/// <c>charge.refunded</c>: one payment_refund entry per refund object, keyed <c>stripe:{ch}:{re}</c>, so a partial
/// refund, a second partial refund and any re-delivery each count once. The refunds come from the event's charge when
/// it lists them all, else from the Stripe API (the API version this console speaks does not include them). Credits
/// taken follow <see cref="PaymentPostings.CreditsTakenBy"/>: face value until the purchased credits are gone, the rest
/// returns the fee. Failed or canceled refunds take nothing.
/// </summary>
public sealed class ChargeRefundedHandler(PaymentLookup lookup, PaymentPostings postings, StripeClient? stripe = null) : IStripeEventHandler
{
    public string EventType => EventTypes.ChargeRefunded;

    public async Task<HandlerOutcome> HandleAsync(Event e, CancellationToken ct)
    {
        var charge = (Charge)e.Data.Object;
        if (charge.PaymentIntentId is not { } paymentIntentId)
            return HandlerOutcome.Ignored($"Charge {charge.Id} has no PaymentIntent: not a console payment.");
        var resolved = await lookup.ResolveAsync(paymentIntentId, ct);
        if (resolved.Payment is not { } payment)
            return resolved.Otherwise!;

        List<Refund> refunds;
        if (charge.Refunds is { HasMore: false, Data: { } listed })
            refunds = listed;
        else if (stripe is not null)
        {
            refunds = [];
            await foreach (var refund in stripe.V1.Refunds.ListAutoPagingAsync(new RefundListOptions { Charge = charge.Id, Limit = 100 }, cancellationToken: ct))
                refunds.Add(refund);
        }
        else
            return HandlerOutcome.Deferred($"Charge {charge.Id} does not list its refunds and there is no Stripe API to ask.", payment.AccountId);

        var notes = new List<string>();
        var before = Money.Zero;
        foreach (var refund in refunds.Where(r => r.Status is not ("failed" or "canceled")).OrderBy(r => r.Created).ThenBy(r => r.Id, StringComparer.Ordinal))
        {
            var cash = Money.FromCents(refund.Amount);
            var credits = PaymentPostings.CreditsTakenBy(payment.Credits, before, cash);
            before += cash;
            if (credits.Units == 0)
            {
                notes.Add($"{refund.Id} returns the fee only");
                continue;
            }
            var posted = await postings.DebitRefundAsync(payment.AccountId, charge.Id, refund.Id, credits,
                $"Refund {refund.Id} of {cash} to the card for {payment.RefId} (charge {charge.Id})", ct);
            if (posted.Failure is { Error: not LedgerError.IdempotencyConflict } failure)
                return HandlerOutcome.Failed($"Recording refund {refund.Id} failed: {failure.Message}", payment.AccountId);
            notes.Add(posted.Value is { Replayed: false } ? $"{refund.Id} took {credits}" : $"{refund.Id} already recorded");
        }
        return HandlerOutcome.Processed(notes.Count == 0 ? $"Charge {charge.Id} has no refund to record." : string.Join("; ", notes),
            payment.AccountId, charge.AmountRefunded);
    }
}
