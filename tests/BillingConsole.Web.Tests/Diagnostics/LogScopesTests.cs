using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Payments;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace BillingConsole.Web.Tests.Diagnostics;

/// <summary>Every log line of the real console, captured at Debug while requests carry a customer key, a metering token
/// and a signed Stripe event: lines carry the account, reservation and Stripe event ids as scopes, and no line holds a
/// key, token or the webhook secret.</summary>
public sealed class LogScopesTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private const string WebhookSecret = "whsec_logscopes_9d1e4b7c2a5f8e3d6b0a";
    private const string MeteringToken = "mt_logscopes_4f8a2c6e1b9d3f7a5c0e";

    [Fact]
    public async Task Requests_CarryingKeysTokensAndSignedEvents_LogIdsAsScopesAndNeverTheSecrets()
    {
        var logs = new FakeLoggerProvider();
        await using var host = new CapturingHost(logs, new Dictionary<string, string?>
        {
            ["Stripe:WebhookSecret"] = WebhookSecret,
            ["Metering:Tokens:0"] = MeteringToken,
            ["Logging:LogLevel:Default"] = "Debug",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Debug",
        });
        host.Start();
        var (account, keyId, secret) = await host.CreateCustomerAsync(Money.FromDollars(5));

        using var customer = host.Client(secret);
        using var balance = await customer.GetAsync("/billing/balance", Ct);
        using var unknownKey = host.Client(secret[..^4] + "zzzz");
        using var refused = await unknownKey.GetAsync("/billing/balance", Ct);
        using var gateway = host.Client(MeteringToken);
        using var reserved = await gateway.PostAsJsonAsync("/v1/meter/reservations", new
        {
            idempotency_key = "log-1", api_key_id = keyId, model = "gpt-4o-mini", max_input_tokens = 1_000, max_output_tokens = 100,
        }, Ct);
        var reservation = (await reserved.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("reservation_id").GetInt64();
        using var settled = await gateway.PostAsJsonAsync($"/v1/meter/reservations/{reservation}/settle", new { input_tokens = 10, output_tokens = 5, status = "success" }, Ct);
        var payload = StripeObjects.Event("customer.created", new JsonObject { ["id"] = "cus_logscopes", ["object"] = "customer" });
        var eventId = JsonNode.Parse(payload)!["id"]!.GetValue<string>();
        using var stripe = host.Client();
        using var delivery = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhook") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        delivery.Headers.Add("Stripe-Signature", StripeObjects.Sign(payload, WebhookSecret));
        using var webhook = await stripe.SendAsync(delivery, Ct);

        Assert.Equal(HttpStatusCode.OK, balance.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, webhook.StatusCode);
        var records = logs.Collector.GetSnapshot();
        Assert.True(records.Count > 20, $"Only {records.Count} log lines were captured.");
        var lines = records.Select(Flatten).ToList();
        foreach (var forbidden in new[] { secret, secret[..^4] + "zzzz", MeteringToken, WebhookSecret })
            Assert.DoesNotContain(lines, l => l.Contains(forbidden, StringComparison.Ordinal));
        Assert.Contains(records, r => HasScope(r, "AccountId", account.ToString()));
        Assert.Contains(records, r => HasScope(r, "ReservationId", reservation.ToString()));
        Assert.Contains(records, r => HasScope(r, "StripeEventId", eventId));
    }

    private static IEnumerable<KeyValuePair<string, object?>> ScopeValues(FakeLogRecord r) =>
        r.Scopes.SelectMany(s => s as IEnumerable<KeyValuePair<string, object?>>
            ?? (s as IEnumerable<KeyValuePair<string, object>>)?.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value))
            ?? []);

    private static bool HasScope(FakeLogRecord r, string key, string value) =>
        ScopeValues(r).Any(kv => kv.Key == key && kv.Value?.ToString() == value);

    /// <summary>Everything a sink could write for the line: level, category, message, state, scopes and exception.</summary>
    private static string Flatten(FakeLogRecord r) =>
        $"{r.Level} {r.Category} {r.Message} {string.Join(" ", r.StructuredState?.Select(kv => $"{kv.Key}={kv.Value}") ?? [])} "
        + $"{string.Join(" ", r.Scopes.Select(s => s?.ToString()))} {string.Join(" ", ScopeValues(r).Select(kv => $"{kv.Key}={kv.Value}"))} {r.Exception}";

    private sealed class CapturingHost(FakeLoggerProvider logs, Dictionary<string, string?> settings) : TestConsoleHost("Development", settings)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(l => l.AddProvider(logs));
        }
    }
}
