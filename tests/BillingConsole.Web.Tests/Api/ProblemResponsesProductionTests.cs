using System.Net;
using System.Text.Json;
using BillingConsole.Web.Tests.Auth;
using Microsoft.AspNetCore.Mvc.Testing;

namespace BillingConsole.Web.Tests.Api;

/// <summary>The same answers in Production, where no developer exception page or static-asset fallback is in the way.</summary>
public sealed class ProblemResponsesProductionTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static TestConsoleHost ProductionHost() => new("Production", new Dictionary<string, string?>
    {
        ["Stripe:SecretKey"] = "sk_test_problems",
        ["Stripe:WebhookSecret"] = "whsec_problems",
        ["Auth:Oidc:Authority"] = "https://login.example.test/realms/billing",
        ["Auth:Oidc:ClientId"] = "billing-console",
        ["Auth:Oidc:ClientSecret"] = "secret",
    });

    [Fact]
    public async Task ApiErrors_InProduction_AreProblemsAndPagesStayFriendly()
    {
        await using var host = ProductionHost();
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://console.example.test"),
            AllowAutoRedirect = false,
        });

        using var unknown = await client.PostAsync("/v1/nope", null, Ct);
        using var wrongMethod = await client.DeleteAsync("/billing/balance", Ct);
        using var page = await client.GetAsync("/no-such-page", Ct);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("not_found", await CodeAsync(unknown));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal("method_not_allowed", await CodeAsync(wrongMethod));
        Assert.Contains("GET", wrongMethod.Content.Headers.Allow);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Page not found", await page.Content.ReadAsStringAsync(Ct));
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return json.RootElement.GetProperty("code").GetString();
    }
}
