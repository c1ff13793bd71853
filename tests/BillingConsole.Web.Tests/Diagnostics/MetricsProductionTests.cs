using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace BillingConsole.Web.Tests.Diagnostics;

/// <summary>Outside Development /metrics is off unless enabled, and enabled only with a bearer token.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsProductionTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private const string Token = "metrics-token-7f3a9c41d2";

    private static Dictionary<string, string?> Production(Dictionary<string, string?> extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Stripe:SecretKey"] = "sk_test_metrics",
            ["Stripe:WebhookSecret"] = "whsec_metrics",
            ["Auth:Oidc:Authority"] = "https://login.example.test/realms/billing",
            ["Auth:Oidc:ClientId"] = "billing-console",
            ["Auth:Oidc:ClientSecret"] = "oidc-client-secret-metrics",
        };
        foreach (var (k, v) in extra)
            settings[k] = v;
        return settings;
    }

    [Fact]
    public async Task Metrics_ProductionEnabled_RefusesWithoutTheTokenAndServesWithIt()
    {
        await using var host = new TestConsoleHost("Production", Production(new() { ["Metrics:Prometheus:Enabled"] = "true", ["Metrics:Prometheus:Token"] = Token }));
        host.Start();

        using var anonymous = host.Client();
        using var none = await anonymous.GetAsync("/metrics", Ct);
        using var wrong = host.Client(Token + "x");
        using var wrongResponse = await wrong.GetAsync("/metrics", Ct);
        using var scraper = host.Client(Token);
        using var ok = await scraper.GetAsync("/metrics", Ct);
        var text = await ok.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        Assert.Equal("unauthorized", JsonDocument.Parse(await none.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("billing_worker_runs_total", text);
        foreach (var secret in new[] { Token, "sk_test_metrics", "whsec_metrics", "oidc-client-secret-metrics" })
            Assert.DoesNotContain(secret, text);
    }

    [Fact]
    public async Task Metrics_ProductionNotEnabled_Returns404()
    {
        await using var host = new TestConsoleHost("Production", Production(new()));
        host.Start();
        using var client = host.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        using var response = await client.GetAsync("/metrics", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void Start_ProductionEnabledWithoutToken_FailsNamingTheTokenSetting()
    {
        using var host = new TestConsoleHost("Production", Production(new() { ["Metrics:Prometheus:Enabled"] = "true" }));

        var failure = Record.Exception(() => host.Start());

        Assert.NotNull(failure);
        Assert.Contains("missing setting Metrics:Prometheus:Token.", failure.ToString());
    }
}
