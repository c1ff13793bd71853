using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>
/// Credits a paid purchase: topup = amount paid, platform_fee = −fee, both citing the purchase, with keys
/// <c>{provider}:{purchase}:topup</c> and <c>:fee</c>. Used for the purchase's own event and by <see cref="PaymentLookup"/>
/// when a refund or dispute arrives before it. Then remembers the purchase's card when the account has none.
/// A purchase paid after its account was closed is refunded instead (<see cref="RefundToClosedAccountAsync"/>).
/// </summary>
public sealed class PurchaseCrediting(PaymentPostings postings, CardSaving cards, IPaymentEvents events, IPaymentGateway gateway)
{
    public async Task<HandlerOutcome> CreditAsync(PaymentReceived p, CancellationToken ct)
    {
        var id = p.Reference;
        if (p.AccountId is not { } accountId)
            return HandlerOutcome.Ignored($"Checkout Session {id} has no account_id metadata: not a console purchase.");
        if (p.Kind != PaymentKind.Purchase)
            return HandlerOutcome.Ignored($"Checkout Session {id} is {p.Status}, not a purchase.", accountId);
        if (!p.Paid)
            return HandlerOutcome.Ignored($"Checkout Session {id} is {p.Status}: it is credited when the payment succeeds.", accountId);
        if (!string.Equals(p.Currency, StripeFacts.Currency, StringComparison.OrdinalIgnoreCase))
            return HandlerOutcome.Failed($"Checkout Session {id} was paid in {p.Currency}; the ledger holds USD only.", accountId);
        long paid = p.AmountPaidCents, fee = p.FeeCents;
        if (paid <= 0 || fee >= paid)
            return HandlerOutcome.Failed($"Checkout Session {id} paid {paid} cents with a fee of {fee} cents: nothing to credit.", accountId);
        var provider = events.Provider;
        var credits = Money.FromCents(paid - fee);
        var result = await postings.CreditPurchaseAsync(new PurchaseCredit(accountId, id, PaymentKeys.Topup(provider, id), PaymentKeys.Fee(provider, id),
            Money.FromCents(paid), Money.FromCents(fee),
            $"Credit purchase via {provider.Name} Checkout {id}: package {p.PackageId ?? "credits"}, {credits} credits + {Money.FromCents(fee)} fee, paid {Money.FromCents(paid)}",
            $"Platform fee on {provider.Name} Checkout {id}",
            PaymentPostings.WebhookOrigin(provider)), ct);
        if (result.Failure is { Error: LedgerError.AccountClosed })
            return await RefundToClosedAccountAsync(p, accountId, ct);
        if (result.Failure is { } failure)
            return failure.Error == LedgerError.IdempotencyConflict
                ? HandlerOutcome.Processed($"Checkout Session {id} was already credited with other amounts: {failure.Message}", accountId, paid)
                : HandlerOutcome.Failed($"Crediting Checkout Session {id} failed: {failure.Message}", accountId);
        await cards.SaveFromPurchaseAsync(accountId, p.PaymentId, ct);
        var posted = result.Value!;
        return HandlerOutcome.Processed(posted.Replayed
            ? $"Checkout Session {id} was already credited."
            : $"Credited {posted.Credits} to account {accountId} for Checkout Session {id}.", accountId, paid);
    }

    /// <summary>A checkout started before its account was closed and paid after: closing is final, so it can never be
    /// credited, and failing would only make the provider redeliver for days. The payment goes back to the card in full
    /// instead, once (the refund's request id is derived from the purchase, so any redelivery, or the refund's own
    /// event finding the purchase uncredited, meets the same refund), and the event is recorded as ignored, saying why.
    /// A provider that cannot be reached fails the event, so it is delivered again and the refund retried.</summary>
    private async Task<HandlerOutcome> RefundToClosedAccountAsync(PaymentReceived p, long accountId, CancellationToken ct)
    {
        var requestId = PaymentKeys.RefundRequestId($"closed-account-refund:{p.Reference}");
        var refund = await gateway.RefundAsync(new RefundStart(requestId, accountId, p.Reference, null, ClosedAccountRefunder), ct);
        if (refund.Value is { } started)
            return HandlerOutcome.Ignored(
                $"Account {accountId} is closed, so Checkout Session {p.Reference} cannot be credited: refunded in full to the card ({started.RefundId}).", accountId);
        return refund.Failure!.Kind == PaymentErrorKind.Unavailable
            ? HandlerOutcome.Failed($"Account {accountId} is closed; refunding Checkout Session {p.Reference} failed and is retried: {refund.Failure.Message}", accountId)
            : HandlerOutcome.Ignored(
                $"Account {accountId} is closed, so Checkout Session {p.Reference} cannot be credited, and the automatic refund was refused: {refund.Failure.Message} Refund it from the provider's dashboard.", accountId);
    }

    /// <summary>Who asked for a closed account's refund, in the provider's metadata.</summary>
    public const string ClosedAccountRefunder = "system:closed-account";
}
