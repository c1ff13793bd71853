using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Accounting.Usage;
using BillingConsole.Web.Api;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Api;

/// <summary>One set of rules for request values (<see cref="ApiBinder"/>): the same bad value of a parameter gets the same
/// 400 <c>invalid_request</c> with the same message on every endpoint that takes that parameter, over real HTTP.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class ApiBinderRulesTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    /// <summary>Every endpoint that takes each query parameter (a path with a query string to append to).</summary>
    private static readonly Dictionary<string, string[]> EndpointsTaking = new()
    {
        ["limit"] = ["/billing/transactions?", "/billing/requests?", "/billing/transactions?format=csv&", "/billing/requests?download=true&"],
        ["before"] = ["/billing/transactions?", "/billing/requests?", "/billing/transactions?format=csv&", "/billing/requests?format=csv&"],
        ["from"] = ["/billing/transactions?", "/billing/requests?", "/billing/usage?", "/v1/keys/{key}/usage?"],
        ["to"] = ["/billing/transactions?", "/billing/requests?", "/billing/usage?", "/v1/keys/{key}/usage?"],
        ["month"] = ["/billing/summary?", "/billing/invoice?"],
        ["key_id"] = ["/billing/requests?"],
        ["reservation_id"] = ["/billing/requests?"],
        ["tag"] = ["/billing/requests?", "/billing/requests?format=csv&", "/billing/requests?download=true&"],
    };

    private static string MessageFor(string parameter) => parameter switch
    {
        "limit" => ApiBinder.LimitMessage(1000),
        "from" or "to" => ApiBinder.DateMessage(parameter),
        "month" => ApiBinder.MonthMessage(parameter),
        "tag" => ApiBinder.TagMessage(parameter),
        _ => ApiBinder.IdMessage(parameter),
    };

    private async Task<(HttpClient Client, long KeyId)> CustomerAsync()
    {
        var (_, keyId, secret) = await app.CreateCustomerAsync(Money.FromDollars(5));
        return (app.Client(secret), keyId);
    }

    private static async Task<(int Status, string? Code, string? Detail)> ProblemAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return ((int)response.StatusCode, null, body);
        using var json = JsonDocument.Parse(body);
        return ((int)response.StatusCode, json.RootElement.GetProperty("code").GetString(), json.RootElement.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("limit", "+5")]
    [InlineData("limit", " 5")]
    [InlineData("limit", "5 ")]
    [InlineData("limit", "5.0")]
    [InlineData("limit", "1e2")]
    [InlineData("limit", "1,000")]
    [InlineData("limit", "٥")]
    [InlineData("limit", "0")]
    [InlineData("limit", "1001")]
    [InlineData("limit", "-5")]
    [InlineData("limit", "")]
    [InlineData("limit", "0x10")]
    [InlineData("before", "+5")]
    [InlineData("before", " 7")]
    [InlineData("before", "0")]
    [InlineData("before", "-3")]
    [InlineData("before", "x")]
    [InlineData("before", "99999999999999999999")]
    [InlineData("before", "")]
    [InlineData("from", "2026-1-01")]
    [InlineData("from", "2026-02-30")]
    [InlineData("from", "+2026-01-01")]
    [InlineData("from", " 2026-01-01")]
    [InlineData("from", "0001-01-01")]
    [InlineData("from", "9999-01-01")]
    [InlineData("from", "03/01/2026")]
    [InlineData("from", "2026-01-01T00:00:00Z")]
    [InlineData("to", "yesterday")]
    [InlineData("to", "")]
    [InlineData("month", "2026-13")]
    [InlineData("month", "2026-1")]
    [InlineData("month", "+2026-01")]
    [InlineData("month", "0001-01")]
    [InlineData("month", "march")]
    [InlineData("month", "")]
    [InlineData("key_id", "+5")]
    [InlineData("key_id", "0")]
    [InlineData("reservation_id", "-1")]
    [InlineData("reservation_id", "5.5")]
    [InlineData("tag", "")]
    [InlineData("tag", "prod,batch")]
    [InlineData("tag", "prod ")]
    [InlineData("tag", "naïve")]
    public async Task BadValue_SameProblemOnEveryEndpointThatTakesIt(string parameter, string value)
    {
        var (client, keyId) = await CustomerAsync();
        using var _ = client;
        var expected = (400, "invalid_request", MessageFor(parameter));

        foreach (var endpoint in EndpointsTaking[parameter])
        {
            var url = endpoint.Replace("{key}", keyId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                      + $"{parameter}={Uri.EscapeDataString(value)}";
            using var response = await client.GetAsync(url, Ct);
            Assert.Equal((url, expected), (url, await ProblemAsync(response)));
        }
    }

    [Fact]
    public async Task RangeOrder_SameProblemOnEveryEndpointThatTakesARange()
    {
        var (client, keyId) = await CustomerAsync();
        using var _ = client;
        foreach (var endpoint in EndpointsTaking["from"])
        {
            var url = endpoint.Replace("{key}", keyId.ToString(System.Globalization.CultureInfo.InvariantCulture)) + "from=2026-03-02&to=2026-03-01";
            using var response = await client.GetAsync(url, Ct);
            Assert.Equal((url, (400, "invalid_request", ApiBinder.RangeOrderMessage)), (url, await ProblemAsync(response)));
        }
    }

    [Fact]
    public async Task RangeLength_SameProblemOnBothClosedRanges()
    {
        var (client, keyId) = await CustomerAsync();
        using var _ = client;
        var expected = (400, "invalid_request", ApiBinder.RangeLengthMessage(UsageQueries.MaxRangeDays));
        foreach (var url in new[] { "/billing/usage?", $"/v1/keys/{keyId}/usage?" })
        {
            using var tooLong = await client.GetAsync(url + "from=2025-01-01&to=2026-01-02", Ct);
            Assert.Equal((url, expected), (url, await ProblemAsync(tooLong)));
            // 366 days, both included, is the longest range allowed on both.
            using var longest = await client.GetAsync(url + "from=2025-01-01&to=2026-01-01", Ct);
            Assert.Equal(HttpStatusCode.OK, longest.StatusCode);
        }
    }

    [Fact]
    public async Task GoodValues_AcceptedEverywhere()
    {
        var (client, keyId) = await CustomerAsync();
        using var _ = client;
        var urls = new[]
        {
            "/billing/transactions?limit=1000&before=9223372036854775807&from=0002-01-01&to=9998-12-31",
            "/billing/requests?limit=1&before=05&from=2026-01-01&to=2026-01-01&key_id=1&reservation_id=1&tag=team:search/v2_x-1.0",
            "/billing/usage?from=9998-01-01&to=9998-12-31",
            $"/v1/keys/{keyId}/usage?from=2026-01-01&to=2026-01-31",
            "/billing/summary?month=0002-01",
            "/billing/invoice?month=2026-01",
        };
        foreach (var url in urls)
        {
            using var response = await client.GetAsync(url, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        }
    }

    [Theory]
    [InlineData("+{0}")]
    [InlineData("%20{0}")]
    [InlineData("{0}.0")]
    [InlineData("-{0}")]
    [InlineData("x")]
    public async Task KeyIds_NotDigitsOnly_Are404AndChangeNothing(string pattern)
    {
        var (accountId, keyId, secret) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var client = app.Client(secret);
        var id = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, keyId);

        var responses = new[]
        {
            await client.DeleteAsync($"/v1/keys/{id}", Ct),
            await client.PatchAsJsonAsync($"/v1/keys/{id}", new { monthly_spend_limit = 1 }, Ct),
            await client.GetAsync($"/v1/keys/{id}/usage", Ct),
        };

        foreach (var response in responses)
            Assert.Equal((404, "not_found", "No such API key."), await ProblemAsync(response));
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var key = await db.ApiKeys.SingleAsync(k => k.Id == keyId && k.AccountId == accountId, Ct);
        Assert.Null(key.RevokedAt);
        Assert.Null(key.MonthlySpendLimit);
    }

    [Fact]
    public async Task ReservationIds_WithASign_Are404AndSettleNothing()
    {
        var (_, keyId, _) = await app.CreateCustomerAsync(Money.FromDollars(5));
        var hold = await app.Services.GetRequiredService<MeteringService>()
            .ReserveAsync(new MeterReserveCommand(Guid.NewGuid().ToString("N"), keyId, "gpt-4o-mini", 10, 10), Ct);
        using var meter = app.Client(app.MeteringToken);

        using var settle = await meter.PostAsJsonAsync($"/v1/meter/reservations/+{hold.Value!.ReservationId}/settle",
            new { input_tokens = 1, output_tokens = 1 }, Ct);
        using var release = await meter.PostAsync($"/v1/meter/reservations/+{hold.Value.ReservationId}/release", null, Ct);

        Assert.Equal((404, "not_found", "No such reservation."), await ProblemAsync(settle));
        Assert.Equal((404, "not_found", "No such reservation."), await ProblemAsync(release));
        using var good = await meter.PostAsync($"/v1/meter/reservations/{hold.Value.ReservationId}/release", null, Ct);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }
}
