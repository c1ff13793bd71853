using System.Net;
using System.Text;
using System.Text.Json;
using BillingConsole.Accounting.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Auth;

/// <summary>A console whose customers may make 3 API requests a minute.</summary>
public sealed class TinyRateLimitConsole : IAsyncLifetime
{
    public const int Limit = 3;

    public TestConsoleHost Host { get; } = new("Development", new Dictionary<string, string?>
    {
        ["RateLimiting:CustomerPermitsPerMinute"] = Limit.ToString(),
    });

    public ValueTask InitializeAsync()
    {
        Host.Start();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

/// <summary>The customer APIs are limited per API key and per signed-in user; the metering API is not limited.</summary>
public sealed class RateLimitingTests(TinyRateLimitConsole console) : IClassFixture<TinyRateLimitConsole>
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private TestConsoleHost Host => console.Host;

    [Fact]
    public async Task RateLimit_KeyOverItsLimit_Gets429ProblemJsonWithRetryAfterAndOtherKeysDoNot()
    {
        var account = await Host.CreateAccountAsync();
        using var first = Host.Client(await Host.CreateApiKeyAsync(account));
        using var second = Host.Client(await Host.CreateApiKeyAsync(account));

        for (var i = 0; i < TinyRateLimitConsole.Limit; i++)
            Assert.Equal(HttpStatusCode.OK, (await first.GetAsync(i % 2 == 0 ? "/billing/balance" : "/v1/keys", Ct)).StatusCode);
        var limited = await first.GetAsync("/v1/keys", Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await limited.Content.ReadAsStringAsync(Ct));
        Assert.Equal("rate_limited", json.RootElement.GetProperty("code").GetString());
        Assert.Equal(429, json.RootElement.GetProperty("status").GetInt32());
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await first.GetAsync("/billing/transactions", Ct)).StatusCode);
        // Each key has its own budget.
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/billing/balance", Ct)).StatusCode);
    }

    [Fact]
    public async Task RateLimit_SignedInUser_IsLimitedAsOneCaller()
    {
        var account = await Host.CreateAccountAsync();
        var email = $"limited-{Guid.NewGuid():N}@example.test";
        await Host.CreateUserAsync(email, Roles.Customer, account);
        using var session = await DevSessions.SignInAsync(Host.BaseAddress, email);

        for (var i = 0; i < TinyRateLimitConsole.Limit; i++)
            Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/billing/balance", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.TooManyRequests, (await session.GetAsync("/billing/balance", Ct)).StatusCode);
        // Pages are not API calls: the console itself stays usable.
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/billing", Ct)).StatusCode);
    }

    [Fact]
    public async Task RateLimit_RoleProtectedEndpoint_CountsAgainstTheSameBudget()
    {
        var account = await Host.CreateAccountAsync();
        using var key = Host.Client(await Host.CreateApiKeyAsync(account));

        // Key management is under the account_developer policy, a customer policy like the others.
        for (var i = 0; i < TinyRateLimitConsole.Limit; i++)
            Assert.Equal(HttpStatusCode.NotFound, (await key.DeleteAsync("/v1/keys/987654321", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.TooManyRequests, (await key.DeleteAsync("/v1/keys/987654321", Ct)).StatusCode);
    }

    [Fact]
    public async Task RateLimit_MeteringApi_IsNotLimited()
    {
        var token = Host.Services.GetRequiredService<IConfiguration>()["Demo:MeteringToken"];
        using var gateway = Host.Client(token);

        for (var i = 0; i < TinyRateLimitConsole.Limit * 4; i++)
        {
            var response = await gateway.PostAsync("/v1/meter/reservations", new StringContent("{}", Encoding.UTF8, "application/json"), Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }
}
