using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using Stripe;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>Chargeback events; the ledger side of both is <see cref="DisputeLedger"/>.</summary>
public sealed class ChargeDisputeCreatedHandler(DisputeLedger disputes) : IStripeEventHandler
{
    public string EventType => EventTypes.ChargeDisputeCreated;

    public async Task<HandlerOutcome> HandleAsync(Event e, CancellationToken ct)
    {
        var d = (Dispute)e.Data.Object;
        if (DisputeLedger.IsInquiry(d))
            return HandlerOutcome.Ignored($"Dispute {d.Id} is an inquiry ({d.Status}): no money was withdrawn.");
        var (payment, taken, otherwise) = await disputes.EnsureDebitedAsync(d, ct);
        return otherwise ?? HandlerOutcome.Processed($"Dispute {d.Id} took {taken} from account {payment!.AccountId}.", payment.AccountId, d.Amount);
    }
}

public sealed class ChargeDisputeClosedHandler(DisputeLedger disputes, PaymentPostings postings) : IStripeEventHandler
{
    public string EventType => EventTypes.ChargeDisputeClosed;

    public async Task<HandlerOutcome> HandleAsync(Event e, CancellationToken ct)
    {
        var d = (Dispute)e.Data.Object;
        if (DisputeLedger.IsInquiry(d) || d.Status is not ("won" or "lost"))
            return HandlerOutcome.Ignored($"Dispute {d.Id} closed as {d.Status}: no money moved.");
        var (payment, taken, otherwise) = await disputes.EnsureDebitedAsync(d, ct);
        if (otherwise is not null)
            return otherwise;
        if (d.Status == "lost")
            return HandlerOutcome.Processed($"Dispute {d.Id} lost: the {taken} it took stays taken.", payment!.AccountId, d.Amount);
        var reversed = await postings.ReverseDisputeAsync(payment!.AccountId, d.Id, taken,
            $"Chargeback {d.Id} won: the {taken} it took from {payment.RefId} is restored", ct);
        if (reversed.Failure is { } failure && failure.Error != LedgerError.IdempotencyConflict)
            return HandlerOutcome.Failed($"Reversing dispute {d.Id} failed: {failure.Message}", payment.AccountId);
        return HandlerOutcome.Processed($"Dispute {d.Id} won: restored {taken} to account {payment.AccountId}.", payment.AccountId, d.Amount);
    }
}
