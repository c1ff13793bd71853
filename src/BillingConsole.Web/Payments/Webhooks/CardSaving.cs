using BillingConsole.Accounting.Payments;
using Stripe;
using Stripe.Checkout;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>
/// Stores the card auto-recharge charges, as brand and last 4, from what Stripe Checkout saved: a setup-mode session
/// ("Save a card", replaces the saved card) or a purchase paid with <c>setup_future_usage=off_session</c> (kept only
/// when the account has no card yet). Saving the same card again is harmless, so re-deliveries are no-ops.
/// </summary>
public sealed class CardSaving(PaymentAccounts accounts, ILogger<CardSaving> log, StripeClient? stripe = null)
{
    /// <summary><c>checkout.session.completed</c> in setup mode.</summary>
    public async Task<HandlerOutcome> SaveFromSetupAsync(Session s, CancellationToken ct)
    {
        if (StripeGateway.AccountOf(s.Metadata) is not { } accountId)
            return HandlerOutcome.Ignored($"Checkout Session {s.Id} has no account_id metadata: not a console card setup.");
        if (s.Status != "complete" || s.SetupIntentId is null)
            return HandlerOutcome.Ignored($"Checkout Session {s.Id} is {s.Status}: no card saved yet.", accountId);
        if (stripe is null)
            return HandlerOutcome.Ignored($"Checkout Session {s.Id} saved a card, but payments run without Stripe here.", accountId);
        try
        {
            var setup = await stripe.V1.SetupIntents.GetAsync(s.SetupIntentId, cancellationToken: ct);
            if (setup.PaymentMethodId is not { } pm)
                return HandlerOutcome.Failed($"SetupIntent {setup.Id} of Checkout Session {s.Id} has no payment method.", accountId);
            var card = await CardAsync(pm, ct);
            var previous = (await accounts.GetAutoRechargeAsync(accountId, ct))?.PaymentMethodId;
            await accounts.SaveCardAsync(accountId, card, replace: true, ct);
            if (previous is not null && previous != pm)
                await ForgetQuietlyAsync(previous, ct);
            return HandlerOutcome.Processed($"Saved {card.Display} for account {accountId} from Checkout Session {s.Id}.", accountId, null);
        }
        catch (Exception e) when (e is StripeException or HttpRequestException)
        {
            // The card is the whole point of this event: fail it so Stripe delivers it again.
            return HandlerOutcome.Failed($"Reading the card saved by Checkout Session {s.Id} failed: {e.Message}", accountId);
        }
    }

    /// <summary>A paid purchase: remembers its card if the account has none. Best effort: never fails the credit.</summary>
    public async Task SaveFromPurchaseAsync(long accountId, string? paymentIntentId, CancellationToken ct)
    {
        if (stripe is null || paymentIntentId is null)
            return;
        try
        {
            if ((await accounts.GetAutoRechargeAsync(accountId, ct))?.PaymentMethodId is not null)
                return;
            var intent = await stripe.V1.PaymentIntents.GetAsync(paymentIntentId, cancellationToken: ct);
            if (intent.PaymentMethodId is { } pm)
                await accounts.SaveCardAsync(accountId, await CardAsync(pm, ct), replace: false, ct);
        }
        catch (Exception e) when (e is StripeException or HttpRequestException)
        {
            log.LogWarning(e, "Could not read the card of {PaymentIntent} for account {AccountId}", paymentIntentId, accountId);
        }
    }

    private async Task<SavedCard> CardAsync(string paymentMethodId, CancellationToken ct)
    {
        var pm = await stripe!.V1.PaymentMethods.GetAsync(paymentMethodId, cancellationToken: ct);
        return new SavedCard(pm.Id, pm.Card?.Brand ?? pm.Type ?? "card", pm.Card?.Last4 ?? "");
    }

    private async Task ForgetQuietlyAsync(string paymentMethodId, CancellationToken ct)
    {
        try
        {
            await stripe!.V1.PaymentMethods.DetachAsync(paymentMethodId, cancellationToken: ct);
        }
        catch (Exception e) when (e is StripeException or HttpRequestException)
        {
            log.LogWarning(e, "Could not detach the replaced card {PaymentMethod}", paymentMethodId);
        }
    }
}
