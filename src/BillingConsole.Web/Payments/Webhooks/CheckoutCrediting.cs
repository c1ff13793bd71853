using System.Globalization;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using Stripe.Checkout;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>
/// Credits a paid Checkout Session: topup = amount paid, platform_fee = −fee (from the session's metadata), both citing
/// the session id, with keys <c>stripe:{cs}:topup</c> and <c>stripe:{cs}:fee</c>. Used by both Checkout handlers and
/// by <see cref="PaymentLookup"/> when a refund or dispute arrives before its purchase.
/// </summary>
public sealed class CheckoutCrediting(PaymentPostings postings, CardSaving cards)
{
    public async Task<HandlerOutcome> CreditAsync(Session s, CancellationToken ct)
    {
        if (StripeGateway.AccountOf(s.Metadata) is not { } accountId)
            return HandlerOutcome.Ignored($"Checkout Session {s.Id} has no account_id metadata: not a console purchase.");
        if (s.Mode != "payment")
            return HandlerOutcome.Ignored($"Checkout Session {s.Id} is in {s.Mode} mode, not a purchase.", accountId);
        if (s.PaymentStatus != "paid")
            return HandlerOutcome.Ignored($"Checkout Session {s.Id} is {s.PaymentStatus}: it is credited when the payment succeeds.", accountId);
        if (!string.Equals(s.Currency, StripeGateway.Currency, StringComparison.OrdinalIgnoreCase))
            return HandlerOutcome.Failed($"Checkout Session {s.Id} was paid in {s.Currency}; the ledger holds USD only.", accountId);
        var paid = s.AmountTotal ?? 0;
        var fee = s.Metadata.TryGetValue(StripeGateway.Meta.FeeCents, out var text)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var f) ? f : 0;
        if (paid <= 0 || fee >= paid)
            return HandlerOutcome.Failed($"Checkout Session {s.Id} paid {paid} cents with a fee of {fee} cents: nothing to credit.", accountId);
        var package = s.Metadata.GetValueOrDefault(StripeGateway.Meta.PackageId) ?? "credits";
        var credits = Money.FromCents(paid - fee);
        var result = await postings.CreditPurchaseAsync(new PurchaseCredit(accountId, s.Id, PaymentKeys.StripeTopup(s.Id), PaymentKeys.StripeFee(s.Id),
            Money.FromCents(paid), Money.FromCents(fee),
            $"Credit purchase via Stripe Checkout {s.Id}: package {package}, {credits} credits + {Money.FromCents(fee)} fee, paid {Money.FromCents(paid)}",
            $"Platform fee on Stripe Checkout {s.Id}",
            PaymentPostings.Stripe), ct);
        if (result.Failure is { } failure)
            return failure.Error == LedgerError.IdempotencyConflict
                ? HandlerOutcome.Processed($"Checkout Session {s.Id} was already credited with other amounts: {failure.Message}", accountId, paid)
                : HandlerOutcome.Failed($"Crediting Checkout Session {s.Id} failed: {failure.Message}", accountId);
        await cards.SaveFromPurchaseAsync(accountId, s.PaymentIntentId, ct);
        var posted = result.Value!;
        return HandlerOutcome.Processed(posted.Replayed
            ? $"Checkout Session {s.Id} was already credited."
            : $"Credited {posted.Credits} to account {accountId} for Checkout Session {s.Id}.", accountId, paid);
    }
}
