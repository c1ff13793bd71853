using BillingConsole.Accounting.Payments;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>
/// Stores the card auto-recharge charges, as brand and last 4, read through the gateway: from a completed card setup
/// ("Save a card", replaces the saved card) or from a paid purchase (kept only when the account has no card yet).
/// Saving the same card again is harmless, so re-deliveries are no-ops.
/// </summary>
public sealed class CardSaving(PaymentAccounts accounts, IPaymentGateway gateway, ILogger<CardSaving> log)
{
    public async Task<HandlerOutcome> SaveFromSetupAsync(PaymentMethodSaved s, CancellationToken ct)
    {
        if (s.AccountId is not { } accountId)
            return HandlerOutcome.Ignored($"Checkout Session {s.Reference} has no account_id metadata: not a console card setup.");
        if (!s.Complete || s.SetupReference is null)
            return HandlerOutcome.Ignored($"Checkout Session {s.Reference} is {s.Status}: no card saved yet.", accountId);
        var read = await gateway.GetSetupCardAsync(s.SetupReference, ct);
        if (read.Failure is { Kind: PaymentErrorKind.NotSupported })
            return HandlerOutcome.Ignored($"Checkout Session {s.Reference} saved a card, but payments run without a provider here.", accountId);
        // The card is the whole point of this event: a failure fails it, so the provider delivers it again.
        if (read.Value is not { } card)
            return HandlerOutcome.Failed($"Reading the card saved by Checkout Session {s.Reference} failed: {read.Failure!.Message}", accountId);
        var previous = (await accounts.GetAutoRechargeAsync(accountId, ct))?.PaymentMethodId;
        await accounts.SaveCardAsync(accountId, card, replace: true, ct);
        if (previous is not null && previous != card.Id && await gateway.ForgetCardAsync(previous, ct) is { } failure)
            log.LogWarning("Could not detach the replaced card {PaymentMethod}: {Reason}", previous, failure.Message);
        return HandlerOutcome.Processed($"Saved {card.Display} for account {accountId} from Checkout Session {s.Reference}.", accountId, null);
    }

    /// <summary>A paid purchase: remembers its card if the account has none. Best effort: never fails the credit.</summary>
    public async Task SaveFromPurchaseAsync(long accountId, string? paymentId, CancellationToken ct)
    {
        if (paymentId is null || (await accounts.GetAutoRechargeAsync(accountId, ct))?.PaymentMethodId is not null)
            return;
        var read = await gateway.GetPaymentCardAsync(paymentId, ct);
        if (read.Value is { } card)
            await accounts.SaveCardAsync(accountId, card, replace: false, ct);
        else if (read.Failure is { Kind: not PaymentErrorKind.NotSupported } failure)
            log.LogWarning("Could not read the card of {Payment} for account {AccountId}: {Reason}", paymentId, accountId, failure.Message);
    }
}
