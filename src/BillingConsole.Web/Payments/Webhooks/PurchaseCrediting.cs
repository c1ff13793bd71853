using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>
/// Credits a paid purchase: topup = amount paid, platform_fee = −fee, both citing the purchase, with keys
/// <c>{provider}:{purchase}:topup</c> and <c>:fee</c>. Used for the purchase's own event and by <see cref="PaymentLookup"/>
/// when a refund or dispute arrives before it. Then remembers the purchase's card when the account has none.
/// </summary>
public sealed class PurchaseCrediting(PaymentPostings postings, CardSaving cards, IPaymentEvents events)
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
}
