using BillingConsole.Accounting.Payments;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>How the webhook answers: 200 with the outcome, 400 for a delivery refused before anything was recorded,
/// 500/503 for events Stripe should deliver again.</summary>
public sealed record WebhookResult(int Status, string Code, string Detail, string? EventId = null, string? Outcome = null);

/// <summary>
/// Verifies, records and dispatches one Stripe delivery. The order of side effects makes a re-delivery a no-op:
/// <list type="number">
/// <item>verify the signature (<c>EventUtility.ConstructEvent</c>: payload, secret, 300 s tolerance), the API version
/// and livemode; a refusal is a 400 and writes nothing;</item>
/// <item>an event already recorded as processed or ignored is answered at once (a fast path only);</item>
/// <item>the handler writes the ledger with keys derived from Stripe object ids; the unique index on those keys, in the
/// same transaction as each balance change, is what makes concurrent and repeated deliveries credit exactly once;</item>
/// <item>then the <c>stripe_events</c> row is inserted or updated with the outcome. A crash between 3 and 4 leaves the
/// ledger right; Stripe's re-delivery replays the writes (nothing new) and records the event.</item>
/// </list>
/// </summary>
public sealed class StripeWebhookProcessor
{
    private readonly StripeOptions _options;
    private readonly StripeEventLog _log;
    private readonly IReadOnlyDictionary<string, IStripeEventHandler> _handlers;
    private readonly ILogger<StripeWebhookProcessor> _logger;

    public StripeWebhookProcessor(IOptions<StripeOptions> options, StripeEventLog log, IEnumerable<IStripeEventHandler> handlers,
        ILogger<StripeWebhookProcessor> logger)
    {
        _options = options.Value;
        _log = log;
        _handlers = handlers.ToDictionary(h => h.EventType, StringComparer.Ordinal);
        _logger = logger;
    }

    public async Task<WebhookResult> ProcessAsync(string json, string? signature, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(signature))
            return new(400, "invalid_signature", "The Stripe-Signature header is missing.");
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(json, signature, _options.WebhookSecret, _options.WebhookToleranceSeconds,
                throwOnApiVersionMismatch: false);
        }
        catch (StripeException e)
        {
            _logger.LogWarning("Refused a Stripe webhook delivery: {Reason}", e.Message);
            return new(400, "invalid_signature", "The Stripe signature does not match this payload, secret and time (" + e.Message + ")");
        }
        catch (Exception e) when (e is Newtonsoft.Json.JsonException or ArgumentException or FormatException)
        {
            return new(400, "invalid_request", "The payload is not a Stripe event.");
        }
        if (!EventUtility.IsCompatibleApiVersion(stripeEvent.ApiVersion))
            return new(400, "unsupported_api_version",
                $"Event {stripeEvent.Id} uses API version {stripeEvent.ApiVersion}; this console reads {StripeConfiguration.ApiVersion}. Set the endpoint's API version.");
        if (stripeEvent.Livemode != _options.ExpectedLivemode)
            return new(400, "livemode_mismatch",
                $"Event {stripeEvent.Id} is a {(stripeEvent.Livemode ? "live" : "test")}-mode event; this console takes {(_options.ExpectedLivemode ? "live" : "test")}-mode events.");
        using var scope = Diagnostics.WebhookTelemetry.Identify(_logger, stripeEvent.Id, stripeEvent.Type);

        if (await _log.FinalOutcomeAsync(stripeEvent.Id, ct) is { } known)
        {
            await _log.CountDeliveryAsync(stripeEvent.Id, ct);
            return new(200, "duplicate", $"Event {stripeEvent.Id} was already {known}.", stripeEvent.Id, known);
        }

        return await HandleAsync(stripeEvent, json, ct);
    }

    /// <summary>
    /// Runs a recorded event through its handler again (an admin's replay, e.g. after fixing what made it fail). The
    /// payload was verified when it arrived; the handlers' ledger writes are idempotent, so replaying an event that
    /// was already processed writes nothing new. Null when no such event is recorded.
    /// </summary>
    public async Task<WebhookResult?> ReplayAsync(string eventId, CancellationToken ct)
    {
        var json = await _log.PayloadAsync(eventId, ct);
        if (json is null)
            return null;
        var stripeEvent = EventUtility.ParseEvent(json, throwOnApiVersionMismatch: false);
        return await HandleAsync(stripeEvent, json, ct);
    }

    private async Task<WebhookResult> HandleAsync(Event stripeEvent, string json, CancellationToken ct)
    {
        HandlerOutcome outcome;
        if (!_handlers.TryGetValue(stripeEvent.Type, out var handler))
            outcome = HandlerOutcome.Ignored($"The console does not act on {stripeEvent.Type} events.");
        else
        {
            try
            {
                outcome = await handler.HandleAsync(stripeEvent, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                _logger.LogError(e, "Handling Stripe event {EventId} ({Type}) failed", stripeEvent.Id, stripeEvent.Type);
                outcome = HandlerOutcome.Failed($"{e.GetType().Name}: {e.Message}");
            }
        }
        await RecordAsync(stripeEvent, json, outcome, ct);
        return outcome.Outcome switch
        {
            StripeEventOutcomes.Processed or StripeEventOutcomes.Ignored => new(200, outcome.Outcome, outcome.Detail, stripeEvent.Id, outcome.Outcome),
            StripeEventOutcomes.Deferred => new(503, "retry_later", outcome.Detail, stripeEvent.Id, outcome.Outcome),
            _ => new(500, "webhook_failed", outcome.Detail, stripeEvent.Id, outcome.Outcome),
        };
    }

    private Task RecordAsync(Event e, string json, HandlerOutcome outcome, CancellationToken ct)
    {
        var (objectId, paymentIntentId) = e.Data.Object switch
        {
            Session s => (s.Id, s.PaymentIntentId),
            Charge c => (c.Id, c.PaymentIntentId),
            Dispute d => (d.Id, d.PaymentIntentId),
            PaymentIntent pi => (pi.Id, pi.Id),
            Refund r => (r.Id, r.PaymentIntentId),
            IHasId other => (other.Id, null),
            _ => ((string?)null, (string?)null),
        };
        return _log.RecordAsync(new StripeEventRecord(e.Id, e.Type, objectId, paymentIntentId, outcome.AccountId, outcome.AmountCents,
            e.Livemode, e.ApiVersion ?? "", DateTime.SpecifyKind(e.Created, DateTimeKind.Utc), outcome.Outcome, outcome.Detail, json), ct);
    }
}
