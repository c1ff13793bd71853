using System.Net;

namespace BillingConsole.Web.Tests.Auth;

/// <summary>A refused customer learns when its window really reopens, from a real burst against a 3-a-minute limit.</summary>
public sealed class RetryAfterTests(TinyRateLimitConsole console) : IClassFixture<TinyRateLimitConsole>
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Burst_LateInTheWindow_RetryAfterIsTheTimeLeftNotAWholeWindow()
    {
        var host = console.Host;
        using var client = host.Client(await host.CreateApiKeyAsync(await host.CreateAccountAsync()));

        // The first request opens this key's window; the rest of the burst comes 5 s into it.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/billing/balance", Ct)).StatusCode);
        var opened = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(5), Ct);
        for (var i = 1; i < TinyRateLimitConsole.Limit; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/billing/balance", Ct)).StatusCode);
        using var refused = await client.GetAsync("/billing/balance", Ct);
        var left = TimeSpan.FromMinutes(1) - (DateTime.UtcNow - opened);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        // Whole seconds, rounded up: at most a second over what is left, and well under a whole window.
        Assert.InRange(retryAfter.Value.TotalSeconds, Math.Floor(left.TotalSeconds) - 1, Math.Ceiling(left.TotalSeconds) + 1);
        Assert.True(retryAfter.Value.TotalSeconds <= 56, $"Retry-After {retryAfter.Value.TotalSeconds} s, 5 s into a 60 s window.");
    }
}
