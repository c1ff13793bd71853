using BillingConsole.Accounting.Payments;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>How the webhook answers: 200 with the outcome, 400 for a delivery refused before anything was recorded,
/// 500/503 for events the provider should deliver again.</summary>
public sealed record WebhookResult(int Status, string Code, string Detail, string? EventId = null, string? Outcome = null);

/// <summary>
/// Verifies, records and dispatches one provider delivery. The order of side effects makes a re-delivery a no-op:
/// <list type="number">
/// <item><see cref="IPaymentEvents.Verify"/> checks the signature, API version and mode and parses the event into a
/// neutral fact; a refusal is a 400 and writes nothing;</item>
/// <item>an event already recorded as processed or ignored is answered at once (a fast path only);</item>
/// <item>the fact's handler writes the ledger with keys derived from the provider's ids; the unique index on those keys,
/// in the same transaction as each balance change, is what makes concurrent and repeated deliveries credit exactly once;</item>
/// <item>then the event log row is inserted or updated with the outcome. A crash between 3 and 4 leaves the ledger
/// right; the provider's re-delivery replays the writes (nothing new) and records the event.</item>
/// </list>
/// </summary>
public sealed class PaymentWebhookProcessor(IPaymentEvents events, PaymentEventLog log, PurchaseCrediting purchases,
    AutoRechargeCrediting recharges, CardSaving cards, RefundRecording refunds, DisputeLedger disputes, ILogger<PaymentWebhookProcessor> logger)
{
    public async Task<WebhookResult> ProcessAsync(string json, string? signature, CancellationToken ct)
    {
        var (e, refusal) = events.Verify(json, signature);
        if (e is null)
            return new(400, refusal!.Code, refusal.Detail);
        using var scope = Diagnostics.WebhookTelemetry.Identify(logger, e.Id, e.Type);
        if (await log.FinalOutcomeAsync(e.Id, ct) is { } known)
        {
            await log.CountDeliveryAsync(e.Id, ct);
            return new(200, "duplicate", $"Event {e.Id} was already {known}.", e.Id, known);
        }
        return await HandleAsync(e, ct);
    }

    /// <summary>
    /// Runs a recorded event through its handler again (an admin's replay, e.g. after fixing what made it fail). The
    /// payload was verified when it arrived; the handlers' ledger writes are idempotent, so replaying an event that
    /// was already processed writes nothing new. Null when no such event is recorded.
    /// </summary>
    public async Task<WebhookResult?> ReplayAsync(string eventId, CancellationToken ct)
    {
        var json = await log.PayloadAsync(eventId, ct);
        return json is null ? null : await HandleAsync(events.Parse(json), ct);
    }

    private async Task<WebhookResult> HandleAsync(ProviderEvent e, CancellationToken ct)
    {
        HandlerOutcome outcome;
        try
        {
            outcome = await DispatchAsync(e, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Handling payment event {EventId} ({Type}) failed", e.Id, e.Type);
            outcome = HandlerOutcome.Failed($"{ex.GetType().Name}: {ex.Message}");
        }
        await log.RecordAsync(new PaymentEventRecord(e.Id, e.Type, e.ObjectId, e.PaymentId, outcome.AccountId, outcome.AmountCents,
            e.Livemode, e.ApiVersion, e.CreatedAt, outcome.Outcome, outcome.Detail, e.Payload), ct);
        return outcome.Outcome switch
        {
            PaymentEventOutcomes.Processed or PaymentEventOutcomes.Ignored => new(200, outcome.Outcome, outcome.Detail, e.Id, outcome.Outcome),
            PaymentEventOutcomes.Deferred => new(503, "retry_later", outcome.Detail, e.Id, outcome.Outcome),
            _ => new(500, "webhook_failed", outcome.Detail, e.Id, outcome.Outcome),
        };
    }

    /// <summary>One handler per fact; an event that reports none is recorded as ignored and answered 200.</summary>
    private Task<HandlerOutcome> DispatchAsync(ProviderEvent e, CancellationToken ct) => e.Fact switch
    {
        PaymentReceived { Kind: PaymentKind.Purchase } p => purchases.CreditAsync(p, ct),
        PaymentReceived { Kind: PaymentKind.AutoRecharge } p => recharges.CreditAsync(p, ct),
        PaymentReceived p => Task.FromResult(HandlerOutcome.Ignored(
            $"{p.Reference} is not a console purchase or auto-recharge ({p.Status}); Checkout purchases are credited from their session.", p.AccountId)),
        PaymentFailed f => recharges.FailAsync(f, ct),
        PaymentMethodSaved s => cards.SaveFromSetupAsync(s, ct),
        RefundsChanged r => refunds.HandleAsync(r, ct),
        DisputeChanged { Closed: false } d => disputes.OpenedAsync(d, ct),
        DisputeChanged d => disputes.ClosedAsync(d, ct),
        _ => Task.FromResult(HandlerOutcome.Ignored($"The console does not act on {e.Type} events.")),
    };
}
