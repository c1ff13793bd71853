using System.Diagnostics;
using System.Globalization;
using System.Text;
using BillingConsole.Accounting.Alerts;
using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;
using StandardWebhooks;

namespace BillingConsole.Web.Alerts;

/// <summary>POSTs an outbox message to its endpoint, signed per Standard Webhooks (<c>webhook-id</c> = the message's
/// id, kept across retries so receivers deduplicate; <c>webhook-timestamp</c>; <c>webhook-signature</c> v1 HMAC-SHA256
/// over <c>id.timestamp.body</c>). Any 2xx is delivered; anything else, a timeout or a refused connection is a failure.</summary>
public sealed class WebhookAlertSender(IHttpClientFactory http, IDbContextFactory<BillingDbContext> dbFactory, WebhookSecrets secrets, TimeProvider clock)
{
    public const string HttpClientName = "alert-webhooks";

    public async Task<DeliveryResult> SendAsync(OutboxMessage message, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var endpointId = long.Parse(message.Recipient, CultureInfo.InvariantCulture);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var endpoint = await db.WebhookEndpoints.AsNoTracking().Where(e => e.Id == endpointId)
            .Select(e => new { e.Url, e.ProtectedSecret, e.DisabledAt, e.DeletedAt }).FirstOrDefaultAsync(ct);
        if (endpoint is null || endpoint.DeletedAt is not null || endpoint.DisabledAt is not null)
            return DeliveryResult.Failed(null, "The endpoint was turned off or deleted.", TimeSpan.Zero);
        var timestamp = clock.GetUtcNow();
        var signature = new StandardWebhook(secrets.Unprotect(endpoint.ProtectedSecret)).Sign(message.MessageId, timestamp, message.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(message.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", message.MessageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signature);
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? DeliveryResult.Ok(status, Stopwatch.GetElapsedTime(started))
                : DeliveryResult.Failed(status, $"HTTP {status} {response.ReasonPhrase}", Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return DeliveryResult.Failed(null, $"{e.GetType().Name}: {e.Message}", Stopwatch.GetElapsedTime(started));
        }
    }
}
