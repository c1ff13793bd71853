using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>Credits a paid auto-recharge (key <c>{provider}:{payment}:auto_recharge</c>) and ends its attempt; a failed
/// one is counted once per attempt (<see cref="PaymentAccounts.FailAsync"/>: the third in a row turns auto-recharge off).</summary>
public sealed class AutoRechargeCrediting(PaymentPostings postings, PaymentAccounts accounts, IPaymentEvents events)
{
    public async Task<HandlerOutcome> CreditAsync(PaymentReceived p, CancellationToken ct)
    {
        var id = p.Reference;
        if (p.Kind != PaymentKind.AutoRecharge || p.AccountId is not { } accountId)
            return HandlerOutcome.Ignored($"PaymentIntent {id} is not an auto-recharge (Checkout purchases are credited from their session).");
        if (!p.Paid)
            return HandlerOutcome.Ignored($"PaymentIntent {id} is {p.Status}: nothing received yet.", accountId);
        if (!string.Equals(p.Currency, StripeFacts.Currency, StringComparison.OrdinalIgnoreCase))
            return HandlerOutcome.Failed($"PaymentIntent {id} was paid in {p.Currency}; the ledger holds USD only.", accountId);
        var provider = events.Provider;
        var amount = Money.FromCents(p.AmountPaidCents);
        var result = await postings.CreditAutoRechargeAsync(accountId, amount, id, PaymentKeys.AutoRecharge(provider, id),
            $"Auto-recharge paid by card, {provider.Name} PaymentIntent {id}", PaymentPostings.WebhookOrigin(provider), ct);
        if (result.Failure is { } failure && failure.Error != LedgerError.IdempotencyConflict)
            return HandlerOutcome.LedgerRefused($"Crediting auto-recharge {id} failed", failure, accountId);
        if (p.Sequence is { } sequence)
            await accounts.CompleteAsync(accountId, sequence, ct);
        return HandlerOutcome.Processed(result.Value is { Replayed: false }
            ? $"Credited auto-recharge {amount} to account {accountId} for {id}."
            : $"Auto-recharge {id} was already credited.", accountId, p.AmountPaidCents);
    }

    public async Task<HandlerOutcome> FailAsync(PaymentFailed f, CancellationToken ct)
    {
        if (f.Kind != PaymentKind.AutoRecharge || f.AccountId is not { } accountId)
            return HandlerOutcome.Ignored($"PaymentIntent {f.Reference} is not an auto-recharge.");
        var counted = await accounts.FailAsync(accountId, f.Sequence, f.Reason, ct);
        return HandlerOutcome.Processed(counted
            ? $"Auto-recharge attempt {f.Reference} of account {accountId} failed: {f.Reason}"
            : $"Auto-recharge attempt {f.Reference} was already recorded as failed.", accountId, f.AmountCents);
    }
}
