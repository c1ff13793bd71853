using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Auth;

/// <summary>Production refuses to start without OpenID Connect, naming every missing setting; with it, responses over
/// HTTPS carry HSTS.</summary>
public sealed class StartupSettingsTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    /// <summary>Stripe's own start-up checks (the payments feature's) are satisfied, so only sign-in is under test.</summary>
    private static readonly Dictionary<string, string?> Payments = new()
    {
        ["Stripe:SecretKey"] = "sk_test_startup",
        ["Stripe:WebhookSecret"] = "whsec_startup",
    };

    private static string StartFailure(string environment, Dictionary<string, string?> settings)
    {
        using var host = new TestConsoleHost(environment, settings);
        var failure = Record.Exception(() => host.Start());
        Assert.NotNull(failure);
        return failure.ToString();
    }

    [Fact]
    public void Start_ProductionWithoutOpenIdConnect_FailsNamingEachMissingSetting()
    {
        var message = StartFailure("Production", new(Payments));

        Assert.Contains("Auth:Oidc:Authority", message);
        Assert.Contains("Auth:Oidc:ClientId", message);
        Assert.Contains("Auth:Oidc:ClientSecret", message);
    }

    [Fact]
    public void Start_ProductionPartlyConfigured_NamesOnlyWhatIsMissing()
    {
        var message = StartFailure("Production", new(Payments)
        {
            ["Auth:Oidc:Authority"] = "https://login.example.test/realms/billing",
            ["Auth:Oidc:ClientId"] = "billing-console",
        });

        Assert.Contains("Auth:Oidc:ClientSecret", message);
        Assert.DoesNotContain("Auth:Oidc:Authority,", message);
        Assert.DoesNotContain("Auth:Oidc:ClientId", message);
    }

    [Fact]
    public void Start_PlainHttpAuthority_RefusedUnlessOnThisMachine()
    {
        var message = StartFailure("Production", new(Payments)
        {
            ["Auth:Oidc:Authority"] = "http://login.example.test/realms/billing",
            ["Auth:Oidc:ClientId"] = "billing-console",
            ["Auth:Oidc:ClientSecret"] = "secret",
        });

        Assert.Contains("Auth:Oidc:Authority must be an absolute https URL", message);
    }

    [Fact]
    public async Task Start_ProductionWithOpenIdConnect_SendsHstsOverHttpsAndHasNoDevelopmentSignIn()
    {
        await using var host = new ProductionHost(new(Payments)
        {
            ["Auth:Oidc:Authority"] = "https://login.example.test/realms/billing",
            ["Auth:Oidc:ClientId"] = "billing-console",
            ["Auth:Oidc:ClientSecret"] = "secret",
        });
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://console.example.test"),
            AllowAutoRedirect = false,
        });

        var signIn = await client.GetAsync("/signin", Ct);
        var devSignIn = await client.PostAsync("/auth/dev-signin", new FormUrlEncodedContent([new("email", "admin@billingconsole.example")]), Ct);
        var protectedPage = await client.GetAsync("/billing", Ct);

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains("max-age=", string.Join(",", signIn.Headers.GetValues("Strict-Transport-Security")));
        Assert.Contains("form-action 'self' https://login.example.test", string.Join(",", signIn.Headers.GetValues("Content-Security-Policy")));
        // The development sign-in does not exist outside Development: no such endpoint, no session from a post to it.
        Assert.DoesNotContain(EndpointPolicies.Read(host.Services.GetRequiredService<EndpointDataSource>()), e => e.Route == "/auth/dev-signin");
        Assert.NotEqual(HttpStatusCode.Redirect, devSignIn.StatusCode);
        Assert.False(devSignIn.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("billingconsole.session", StringComparison.Ordinal)));
        // A protected page goes to the OpenID Connect challenge, which checks the return URL before leaving for the provider.
        Assert.Equal(HttpStatusCode.Redirect, protectedPage.StatusCode);
        Assert.StartsWith("https://console.example.test/auth/signin?returnUrl=%2Fbilling", protectedPage.Headers.Location?.ToString());
    }

    /// <summary>Production on the in-memory test server (which can pretend to be HTTPS), migrating its own SQLite file.</summary>
    private sealed class ProductionHost(Dictionary<string, string?> settings) : TestConsoleHost("Production", settings);

    [Theory]
    [InlineData("00:01:00")]
    [InlineData("00:00:00")]
    public void Start_RevalidationIntervalZeroOrOverThirtySeconds_Refused(string interval)
    {
        var message = StartFailure("Development", new() { ["Auth:Revalidation:Interval"] = interval });

        Assert.Contains("Auth:Revalidation:Interval must be above zero and at most 00:00:30.", message);
    }
}
