using System.Diagnostics;
using System.Diagnostics.Metrics;
using BillingConsole.Web.Payments.Webhooks;

namespace BillingConsole.Web.Diagnostics;

/// <summary>The Stripe webhook's span and <c>billing.webhook.events</c> counter (by <c>outcome</c>: processed, ignored,
/// deferred, failed, duplicate, or the refusal code such as invalid_signature; and HTTP <c>status</c>), plus the logging
/// scope that names the event once its signature is verified. Static so the webhook code needs one call per concern.</summary>
public static class WebhookTelemetry
{
    public const string Name = "BillingConsole.Payments";
    public const string EventsName = "billing.webhook.events";

    public static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);
    private static readonly Counter<long> Events = Meter.CreateCounter<long>(EventsName, "{event}", "Stripe webhook deliveries by outcome and HTTP status.");

    public static async Task<WebhookResult> MeasureAsync(Func<Task<WebhookResult>> process)
    {
        using var activity = Source.StartActivity("stripe webhook");
        var result = new WebhookResult(500, "error", "");
        try
        {
            result = await process();
            return result;
        }
        finally
        {
            var outcome = result.Status == StatusCodes.Status200OK && result.Code != "duplicate" ? result.Outcome ?? result.Code : result.Code;
            Events.Add(1, new TagList { { "outcome", outcome }, { "status", result.Status } });
            activity?.SetTag("billing.webhook.outcome", outcome);
            activity?.SetTag("http.response.status_code", result.Status);
            if (result.Status >= 500)
                activity?.SetStatus(ActivityStatusCode.Error);
        }
    }

    /// <summary>From here on every log line (the handlers' included) and the span carry the Stripe event id and type.</summary>
    public static IDisposable? Identify(ILogger log, string eventId, string eventType)
    {
        Activity.Current?.SetTag("stripe.event_id", eventId);
        Activity.Current?.SetTag("stripe.event_type", eventType);
        return log.BeginScope(new Dictionary<string, object> { ["StripeEventId"] = eventId, ["StripeEventType"] = eventType });
    }
}
