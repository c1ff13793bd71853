using System.Globalization;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using Stripe;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>Credits a succeeded auto-recharge PaymentIntent (key <c>stripe:{pi}:auto_recharge</c>) and ends its attempt.</summary>
public sealed class AutoRechargeCrediting(PaymentPostings postings, PaymentAccounts accounts)
{
    public static bool IsAutoRecharge(PaymentIntent pi) =>
        pi.Metadata?.GetValueOrDefault(StripeGateway.Meta.Kind) == StripeGateway.Meta.KindAutoRecharge;

    public static long? SequenceOf(PaymentIntent pi) =>
        long.TryParse(pi.Metadata?.GetValueOrDefault(StripeGateway.Meta.Sequence), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    public async Task<HandlerOutcome> CreditAsync(PaymentIntent pi, CancellationToken ct)
    {
        if (!IsAutoRecharge(pi) || StripeGateway.AccountOf(pi.Metadata) is not { } accountId)
            return HandlerOutcome.Ignored($"PaymentIntent {pi.Id} is not an auto-recharge (Checkout purchases are credited from their session).");
        if (pi.Status != "succeeded" || pi.AmountReceived <= 0)
            return HandlerOutcome.Ignored($"PaymentIntent {pi.Id} is {pi.Status}: nothing received yet.", accountId);
        if (!string.Equals(pi.Currency, StripeGateway.Currency, StringComparison.OrdinalIgnoreCase))
            return HandlerOutcome.Failed($"PaymentIntent {pi.Id} was paid in {pi.Currency}; the ledger holds USD only.", accountId);
        var amount = Money.FromCents(pi.AmountReceived);
        var result = await postings.CreditAutoRechargeAsync(accountId, amount, pi.Id, PaymentKeys.StripeAutoRecharge(pi.Id),
            $"Auto-recharge paid by card, Stripe PaymentIntent {pi.Id}", PaymentPostings.Stripe, ct);
        if (result.Failure is { } failure && failure.Error != LedgerError.IdempotencyConflict)
            return HandlerOutcome.Failed($"Crediting auto-recharge {pi.Id} failed: {failure.Message}", accountId);
        if (SequenceOf(pi) is { } sequence)
            await accounts.CompleteAsync(accountId, sequence, ct);
        return HandlerOutcome.Processed(result.Value is { Replayed: false }
            ? $"Credited auto-recharge {amount} to account {accountId} for {pi.Id}."
            : $"Auto-recharge {pi.Id} was already credited.", accountId, pi.AmountReceived);
    }
}
