using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

using static BillingConsole.Web.Tests.Api.ApiResponses;

namespace BillingConsole.Web.Tests.Api;

[Collection(ConsoleAppCollection.Name)]
public sealed class MeteringApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private HttpClient Gateway() => app.Client(app.MeteringToken);

    private static Task<HttpResponseMessage> ReserveAsync(HttpClient client, long keyId, string model = "gpt-4o-mini", long maxIn = 2_000, long maxOut = 500, string? key = null) =>
        client.PostAsJsonAsync("/v1/meter/reservations", new
        {
            idempotency_key = key ?? Guid.NewGuid().ToString("N"), api_key_id = keyId, model, max_input_tokens = maxIn, max_output_tokens = maxOut,
            tags = new[] { "prod" },
        }, Ct);

    [Fact]
    public async Task ReserveSettle_OverHttp_MovesTheBalanceByTheRealCost()
    {
        var (account, key, secret) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var gateway = Gateway();
        var reserved = await ReserveAsync(gateway, key);
        Assert.Equal(HttpStatusCode.Created, reserved.StatusCode);
        var hold = await JsonAsync(reserved);
        var reservationId = hold.GetProperty("reservation_id").GetInt64();
        Assert.True(hold.GetProperty("held").GetDecimal() > 0);
        Assert.True(hold.TryGetProperty("expires_at", out _));

        var settled = await gateway.PostAsJsonAsync($"/v1/meter/reservations/{reservationId}/settle", new
        {
            input_tokens = 1_200, output_tokens = 300, cached_tokens = 200, status = "success", latency_ms = 900, ttfb_ms = 120,
            streaming = true, provider = "openai", client_ip = "198.51.100.4", user_agent = "sdk/2.1",
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        var body = await JsonAsync(settled);
        var cost = body.GetProperty("cost").GetDecimal();
        Assert.Equal(hold.GetProperty("held").GetDecimal() - cost, body.GetProperty("settlement").GetDecimal());
        Assert.True(body.GetProperty("market_cost").GetDecimal() > cost);

        using var customer = app.Client(secret);
        var balance = await customer.GetFromJsonAsync<JsonElement>("/billing/balance", Ct);
        Assert.Equal(5m - cost, balance.GetProperty("balance").GetDecimal());
        Assert.Equal(body.GetProperty("balance_after").GetDecimal(), balance.GetProperty("balance").GetDecimal());

        var again = await gateway.PostAsJsonAsync($"/v1/meter/reservations/{reservationId}/settle", new
        {
            input_tokens = 1_200, output_tokens = 300, cached_tokens = 200, status = "success", latency_ms = 900, ttfb_ms = 120,
            streaming = true, provider = "openai", client_ip = "198.51.100.4", user_agent = "sdk/2.1",
        }, Ct);
        Assert.Equal(body.ToString(), (await JsonAsync(again)).ToString());
        await AssertProblemAsync(await gateway.PostAsJsonAsync($"/v1/meter/reservations/{reservationId}/settle",
            new { input_tokens = 9, output_tokens = 9 }, Ct), HttpStatusCode.Conflict, "reservation_closed");
        Assert.Equal(3, await app.EntryCountAsync(account));
    }

    [Fact]
    public async Task Release_OverHttp_ReturnsTheHold()
    {
        var (account, key, _) = await app.CreateCustomerAsync(Money.FromDollars(1));
        using var gateway = Gateway();
        var hold = await JsonAsync(await ReserveAsync(gateway, key));
        var released = await gateway.PostAsJsonAsync($"/v1/meter/reservations/{hold.GetProperty("reservation_id").GetInt64()}/release",
            new { reason = "client went away" }, Ct);

        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        var body = await JsonAsync(released);
        Assert.Equal(hold.GetProperty("held").GetDecimal(), body.GetProperty("released").GetDecimal());
        Assert.Equal(1m, body.GetProperty("balance_after").GetDecimal());
        Assert.Equal(3, await app.EntryCountAsync(account));
    }

    [Fact]
    public async Task BatchSettle_MixedItems_ReportsEachItem()
    {
        var (account, key, _) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var gateway = Gateway();
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
            ids.Add((await JsonAsync(await ReserveAsync(gateway, key))).GetProperty("reservation_id").GetInt64());

        // In order: a valid item, one without tokens (refused on its own), two valid ones, an unknown hold.
        var items = new List<object> { new { reservation_id = ids[0], input_tokens = 100, output_tokens = 10 }, new { reservation_id = ids[2] } };
        items.AddRange(ids.Skip(1).Select(id => (object)new { reservation_id = id, input_tokens = 100, output_tokens = 10 }));
        items.Add(new { reservation_id = 987_654_321L, input_tokens = 1, output_tokens = 1 });
        var response = await gateway.PostAsJsonAsync("/v1/meter/settlements:batch", new { settlements = items }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await JsonAsync(response)).EnumerateArray().ToList();
        Assert.Equal([ids[0], ids[2], ids[1], ids[2], 987_654_321L], results.Select(r => r.GetProperty("reservation_id").GetInt64()));
        Assert.Equal([200, 400, 200, 200, 404], results.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal("invalid_request", results[1].GetProperty("code").GetString());
        Assert.Equal("not_found", results[4].GetProperty("code").GetString());
        Assert.True(results[3].GetProperty("result").GetProperty("cost").GetDecimal() > 0);
        Assert.Equal(1 + 3 * 2, await app.EntryCountAsync(account));
    }

    [Fact]
    public async Task Reserve_WithoutCredits_Is402_AndOverTheKeyLimit_Is403()
    {
        var (_, poorKey, _) = await app.CreateCustomerAsync(Money.Zero);
        var (_, cappedKey, _) = await app.CreateCustomerAsync(Money.FromDollars(50), keyLimit: Money.FromCents(1));
        using var gateway = Gateway();

        await AssertProblemAsync(await ReserveAsync(gateway, poorKey), HttpStatusCode.PaymentRequired, "insufficient_credits");
        await AssertProblemAsync(await ReserveAsync(gateway, cappedKey, "gpt-4o", 100_000, 4_000), HttpStatusCode.Forbidden, "spend_limit_reached");
    }

    [Theory]
    [InlineData("""{"idempotency_key":"a","api_key_id":KEY,"model":"gpt-4o","max_input_tokens":-5,"max_output_tokens":10}""", 400, "invalid_request")]
    [InlineData("""{"idempotency_key":"a","api_key_id":KEY,"model":"no-such-model","max_input_tokens":5,"max_output_tokens":10}""", 400, "invalid_request")]
    [InlineData("""{"idempotency_key":"a","api_key_id":KEY,"model":"gpt-4o","max_input_tokens":1e30,"max_output_tokens":10}""", 400, "invalid_request")]
    [InlineData("""{"idempotency_key":"a","api_key_id":KEY,"model":"gpt-4o","max_input_tokens":1.5,"max_output_tokens":10}""", 400, "invalid_request")]
    [InlineData("""{"idempotency_key":"a","api_key_id":KEY,"model":"gpt-4o" """, 400, "invalid_request")]
    [InlineData("""[1,2,3]""", 400, "invalid_request")]
    [InlineData("""{"api_key_id":KEY,"model":"gpt-4o","max_input_tokens":5,"max_output_tokens":10}""", 400, "invalid_request")]
    [InlineData("""{"idempotency_key":"a","api_key_id":987654321,"model":"gpt-4o","max_input_tokens":5,"max_output_tokens":10}""", 404, "not_found")]
    [InlineData("""{"idempotency_key":"a","api_key_id":KEY,"model":"gpt-4o","max_input_tokens":5,"max_output_tokens":10,"tags":["<script>alert(1)</script>"]}""", 400, "invalid_request")]
    public async Task Reserve_BadInput_IsProblemJsonAndWritesNothing(string json, int status, string code)
    {
        var (account, key, _) = await app.CreateCustomerAsync(Money.FromDollars(1));
        using var gateway = Gateway();
        var response = await gateway.PostAsync("/v1/meter/reservations",
            new StringContent(json.Replace("KEY", key.ToString()), Encoding.UTF8, "application/json"), Ct);

        await AssertProblemAsync(response, (HttpStatusCode)status, code);
        Assert.Equal(1, await app.EntryCountAsync(account));
    }

    [Fact]
    public async Task Metering_WrongContentTypeAndForeignReservations_AreRefused()
    {
        var (account, key, _) = await app.CreateCustomerAsync(Money.FromDollars(1));
        using var gateway = Gateway();
        await AssertProblemAsync(await gateway.PostAsync("/v1/meter/reservations", new StringContent("idempotency_key=a", Encoding.UTF8, "application/x-www-form-urlencoded"), Ct),
            HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await AssertProblemAsync(await gateway.PostAsJsonAsync("/v1/meter/reservations/abc/settle", new { input_tokens = 1, output_tokens = 1 }, Ct),
            HttpStatusCode.NotFound, "not_found");
        await AssertProblemAsync(await gateway.PostAsJsonAsync("/v1/meter/reservations/987654321/release", new { reason = "x" }, Ct),
            HttpStatusCode.NotFound, "not_found");
        var hold = (await JsonAsync(await ReserveAsync(gateway, key))).GetProperty("reservation_id").GetInt64();
        await AssertProblemAsync(await gateway.PostAsJsonAsync($"/v1/meter/reservations/{hold}/settle", new { input_tokens = -1, output_tokens = 1 }, Ct),
            HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(2, await app.EntryCountAsync(account));
    }

    [Fact]
    public async Task Metering_RequiresTheMeteringToken_AndTheTokenCannotReadCustomerData()
    {
        var (_, key, secret) = await app.CreateCustomerAsync(Money.FromDollars(1));
        using var anonymous = app.Client();
        using var customer = app.Client(secret);
        using var gateway = Gateway();

        await AssertProblemAsync(await ReserveAsync(anonymous, key), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblemAsync(await ReserveAsync(customer, key), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblemAsync(await gateway.GetAsync("/billing/balance", Ct), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblemAsync(await gateway.GetAsync("/v1/keys", Ct), HttpStatusCode.Forbidden, "forbidden");
    }
}
