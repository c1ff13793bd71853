using BillingConsole.Accounting.Payments;
using BillingConsole.Web.Payments.Webhooks;
using Microsoft.Extensions.Options;
using Stripe;

namespace BillingConsole.Web.Payments;

/// <summary>Stripe's events: <c>EventUtility.ConstructEvent</c> (payload, secret, tolerance), then the API version and
/// livemode; the object becomes a neutral fact through <see cref="StripeFacts"/>.</summary>
public sealed class StripePaymentEvents(IOptions<StripeOptions> options, ILogger<StripePaymentEvents> log) : IPaymentEvents
{
    public PaymentProvider Provider => StripeFacts.Provider;

    public (ProviderEvent? Event, EventRefusal? Refusal) Verify(string payload, string? signature)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(signature))
            return (null, new("invalid_signature", "The Stripe-Signature header is missing."));
        Event e;
        try
        {
            e = EventUtility.ConstructEvent(payload, signature, o.WebhookSecret, o.WebhookToleranceSeconds, throwOnApiVersionMismatch: false);
        }
        catch (StripeException ex)
        {
            log.LogWarning("Refused a Stripe webhook delivery: {Reason}", ex.Message);
            return (null, new("invalid_signature", "The Stripe signature does not match this payload, secret and time (" + ex.Message + ")"));
        }
        catch (Exception ex) when (ex is Newtonsoft.Json.JsonException or ArgumentException or FormatException)
        {
            return (null, new("invalid_request", "The payload is not a Stripe event."));
        }
        if (!EventUtility.IsCompatibleApiVersion(e.ApiVersion))
            return (null, new("unsupported_api_version",
                $"Event {e.Id} uses API version {e.ApiVersion}; this console reads {StripeConfiguration.ApiVersion}. Set the endpoint's API version."));
        if (e.Livemode != o.ExpectedLivemode)
            return (null, new("livemode_mismatch",
                $"Event {e.Id} is a {(e.Livemode ? "live" : "test")}-mode event; this console takes {(o.ExpectedLivemode ? "live" : "test")}-mode events."));
        return (Envelope(e, payload), null);
    }

    public ProviderEvent Parse(string payload) => Envelope(EventUtility.ParseEvent(payload, throwOnApiVersionMismatch: false), payload);

    public PaymentFact? Read(string payload)
    {
        try
        {
            return StripeFacts.Of(EventUtility.ParseEvent(payload, throwOnApiVersionMismatch: false));
        }
        catch (Exception e) when (e is Newtonsoft.Json.JsonException or ArgumentException or FormatException or StripeException)
        {
            return null; // a recorded payload that is not a readable event reported nothing reconciliation can use
        }
    }

    private static ProviderEvent Envelope(Event e, string payload)
    {
        var (objectId, paymentId) = StripeFacts.Ids(e);
        return new ProviderEvent(e.Id, e.Type, e.Livemode, e.ApiVersion ?? "", DateTime.SpecifyKind(e.Created, DateTimeKind.Utc), objectId, paymentId,
            StripeFacts.Of(e), payload);
    }
}
