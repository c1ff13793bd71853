using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BillingConsole.Accounting.Diagnostics;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using Microsoft.Extensions.DependencyInjection;

using static BillingConsole.Web.Tests.Diagnostics.PrometheusText;

namespace BillingConsole.Web.Tests.Diagnostics;

/// <summary>/metrics on the Development console (on by default, no token): a reserve, a settle and a refusal through the
/// metering API show up as labelled counters next to the workers', the open holds' and ASP.NET Core's, and the ledger
/// write is traced.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private const string MeteringToken = "mt_metrics_tests_5b7d9f1e3a";
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private readonly TestConsoleHost app = new("Development", new Dictionary<string, string?> { ["Metering:Tokens:0"] = MeteringToken });

    public ValueTask InitializeAsync()
    {
        app.Start();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();

    private async Task<string> ScrapeAsync()
    {
        using var client = app.Client();
        using var response = await client.GetAsync("/metrics", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    private static Task<HttpResponseMessage> ReserveAsync(HttpClient gateway, long keyId) =>
        gateway.PostAsJsonAsync("/v1/meter/reservations", new
        {
            idempotency_key = Guid.NewGuid().ToString("N"), api_key_id = keyId, model = "gpt-4o-mini", max_input_tokens = 2_000, max_output_tokens = 500,
        }, Ct);

    [Fact]
    public async Task Metrics_AfterReserveSettleAndRefusal_CountsWritesByOperationOutcomeAndCode()
    {
        var traced = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == LedgerMetrics.MeterName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (traced) traced.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);
        var before = await ScrapeAsync();
        var (account, key, secret) = await app.CreateCustomerAsync(Money.FromDollars(5));
        var (_, brokeKey, _) = await app.CreateCustomerAsync(Money.Zero);
        using var gateway = app.Client(MeteringToken);

        var reserved = await ReserveAsync(gateway, key);
        var id = (await reserved.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("reservation_id").GetInt64();
        var settled = await gateway.PostAsJsonAsync($"/v1/meter/reservations/{id}/settle", new { input_tokens = 1_000, output_tokens = 200, status = "success" }, Ct);
        var refused = await ReserveAsync(gateway, brokeKey);
        using var stripe = app.Client();
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhook") { Content = new StringContent("{\"id\":\"evt_forged\"}", System.Text.Encoding.UTF8, "application/json") };
        forged.Headers.Add("Stripe-Signature", "t=1,v1=00");
        using var webhook = await stripe.SendAsync(forged, Ct);
        var check = await app.Services.GetRequiredService<InvariantChecker>().RunAsync(InvariantCheckMode.Incremental, ct: Ct);
        var after = await ScrapeAsync();
        // The workers' first runs happen at start-up, off the test's path (a lease to take first): on a busy machine the
        // scrape can come before them, so wait for their series rather than assume they are there.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(Samples(after, "billing_worker_runs_total", ("worker", "HoldExpiry")).Any() && Samples(after, "billing_worker_lag_seconds", ("worker", "InvariantCheck")).Any())
               && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, Ct);
            after = await ScrapeAsync();
        }

        Assert.Equal(HttpStatusCode.Created, reserved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, webhook.StatusCode);
        const string writes = "billing_ledger_writes_total";
        foreach (var labels in new[]
        {
            new[] { ("operation", "reserve"), ("type", "reservation"), ("outcome", "written") },
            [("operation", "settle"), ("type", "settlement"), ("outcome", "written")],
            [("operation", "reserve"), ("outcome", "refused"), ("code", "insufficient_credits")],
        })
            Assert.True(Sum(after, writes, labels) >= Sum(before, writes, labels) + 1, $"{string.Join(",", labels)} did not grow:\n{after}");
        Assert.True(Samples(after, "billing_ledger_write_duration_seconds_bucket", ("operation", "settle")).Any(), $"No {"billing_ledger_write_duration_seconds_bucket"} sample:\n{after}");
        Assert.True(Sum(after, "billing_webhook_events_total", ("outcome", "invalid_signature"), ("status", "400"))
            >= Sum(before, "billing_webhook_events_total", ("outcome", "invalid_signature"), ("status", "400")) + 1, after);
        var runs = Sum(after, "billing_invariant_runs_total", ("mode", "incremental"));
        Assert.True(runs >= 1 && check.ViolationCount == 0, after);
        Assert.True(Samples(after, "billing_reservations_open").Any(), $"No {"billing_reservations_open"} sample:\n{after}");
        Assert.True(Samples(after, "billing_worker_runs_total", ("worker", "HoldExpiry")).Any(), $"No {"billing_worker_runs_total"} sample:\n{after}");
        Assert.True(Samples(after, "billing_worker_lag_seconds", ("worker", "InvariantCheck")).Any(), $"No {"billing_worker_lag_seconds"} sample:\n{after}");
        Assert.True(Samples(after, "http_server_request_duration_seconds_count", ("http_route", "/v1/meter/reservations")).Any(), $"No {"http_server_request_duration_seconds_count"} sample:\n{after}");
        // Credentials never reach the exposition.
        Assert.DoesNotContain(secret, after);
        Assert.DoesNotContain(MeteringToken, after);
        // The ledger write is traced, tagged with its account and outcome.
        lock (traced)
        {
            Assert.Contains(traced, a => a.DisplayName == "ledger reserve" && Equals(a.GetTagItem("billing.account_id"), account)
                && (string?)a.GetTagItem("billing.ledger.outcome") == "written");
            // The gateway settles by reservation id alone, so the settle's span names the hold.
            Assert.Contains(traced, a => a.DisplayName == "ledger settle" && Equals(a.GetTagItem("billing.reservation_id"), id)
                && (string?)a.GetTagItem("billing.ledger.outcome") == "written");
        }
    }
}
