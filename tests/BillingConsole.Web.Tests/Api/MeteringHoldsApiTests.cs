using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

using static BillingConsole.Web.Tests.Api.ApiResponses;

namespace BillingConsole.Web.Tests.Api;

/// <summary>A hold's lifetime over HTTP: ttl_seconds, extend, read, a late settle, batch releases, and their bad input.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class MeteringHoldsApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static readonly object Call = new
    {
        input_tokens = 1_200, output_tokens = 300, cached_tokens = 200, status = "success", latency_ms = 900, ttfb_ms = 120,
        streaming = true, provider = "openai", http_status = 200,
    };

    private static async Task<JsonElement> ReserveAsync(HttpClient gateway, long keyId, object? ttlSeconds = null)
    {
        var response = await gateway.PostAsJsonAsync("/v1/meter/reservations", new
        {
            idempotency_key = Guid.NewGuid().ToString("N"), api_key_id = keyId, model = "gpt-4o-mini", max_input_tokens = 2_000,
            max_output_tokens = 500, ttl_seconds = ttlSeconds,
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await JsonAsync(response);
    }

    /// <summary>Lets the hold's time run out (its expiry moved into the past) and runs the expiry sweep, as the worker would.</summary>
    private async Task ExpireAsync(long reservationId)
    {
        await using (var db = await app.DbFactory.CreateDbContextAsync(Ct))
        {
            var past = DateTime.UtcNow.AddMinutes(-1);
            await db.Reservations.Where(r => r.Id == reservationId).ExecuteUpdateAsync(u => u.SetProperty(r => r.ExpiresAt, past), Ct);
        }
        var ledger = app.Services.GetRequiredService<LedgerWriter>();
        while (await ledger.ReleaseExpiredAsync(ct: Ct) > 0) { }
    }

    [Fact]
    public async Task Reserve_WithTtlSeconds_ExpiresThen_AndOutOfRangeIsRefused()
    {
        var (account, key, _) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var gateway = app.Client(app.MeteringToken);
        var before = DateTime.UtcNow;

        var hold = await ReserveAsync(gateway, key, 3_600);

        var expiresAt = hold.GetProperty("expires_at").GetDateTime();
        Assert.InRange(expiresAt, before.AddSeconds(3_600), DateTime.UtcNow.AddSeconds(3_600));
        var defaulted = await ReserveAsync(gateway, key);
        Assert.InRange(defaulted.GetProperty("expires_at").GetDateTime(), before.AddSeconds(900), DateTime.UtcNow.AddSeconds(900));
        var entries = await app.EntryCountAsync(account);
        foreach (var bad in new object[] { 0, 86_401, -5, "soon", 1.5 })
        {
            var response = await gateway.PostAsJsonAsync("/v1/meter/reservations", new
            {
                idempotency_key = Guid.NewGuid().ToString("N"), api_key_id = key, model = "gpt-4o-mini", max_input_tokens = 10, max_output_tokens = 10,
                ttl_seconds = bad,
            }, Ct);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        }
        Assert.Equal(entries, await app.EntryCountAsync(account));
    }

    [Fact]
    public async Task Extend_AnOpenHold_MovesItsExpiry_AndGetShowsIt()
    {
        var (_, key, _) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var gateway = app.Client(app.MeteringToken);
        var id = (await ReserveAsync(gateway, key, 60)).GetProperty("reservation_id").GetInt64();
        var before = DateTime.UtcNow;

        var extended = await gateway.PostAsJsonAsync($"/v1/meter/reservations/{id}/extend", new { ttl_seconds = 7_200 }, Ct);

        Assert.Equal(HttpStatusCode.OK, extended.StatusCode);
        var expiresAt = (await JsonAsync(extended)).GetProperty("expires_at").GetDateTime();
        Assert.InRange(expiresAt, before.AddSeconds(7_200), DateTime.UtcNow.AddSeconds(7_200));
        var seen = await JsonAsync(await gateway.GetAsync($"/v1/meter/reservations/{id}", Ct));
        Assert.Equal(("open", expiresAt, 60, JsonValueKind.Null), (seen.GetProperty("status").GetString(), seen.GetProperty("expires_at").GetDateTime(),
            seen.GetProperty("ttl_seconds").GetInt32(), seen.GetProperty("cost").ValueKind));
        Assert.Equal("gpt-4o-mini", seen.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Extend_BadInput_UnknownOrClosedHold_IsAProblem_AndChangesNothing()
    {
        var (_, key, _) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var gateway = app.Client(app.MeteringToken);
        var hold = await ReserveAsync(gateway, key, 60);
        var id = hold.GetProperty("reservation_id").GetInt64();

        foreach (var body in new object[] { new { }, new { ttl_seconds = 0 }, new { ttl_seconds = 86_401 }, new { ttl_seconds = "1h" } })
            await AssertProblemAsync(await gateway.PostAsJsonAsync($"/v1/meter/reservations/{id}/extend", body, Ct), HttpStatusCode.BadRequest, "invalid_request");
        await AssertProblemAsync(await gateway.PostAsJsonAsync("/v1/meter/reservations/999999999/extend", new { ttl_seconds = 60 }, Ct),
            HttpStatusCode.NotFound, "not_found");
        await AssertProblemAsync(await gateway.PostAsJsonAsync("/v1/meter/reservations/abc/extend", new { ttl_seconds = 60 }, Ct),
            HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsync($"/v1/meter/reservations/{id}/release", null, Ct)).StatusCode);
        await AssertProblemAsync(await gateway.PostAsJsonAsync($"/v1/meter/reservations/{id}/extend", new { ttl_seconds = 60 }, Ct),
            HttpStatusCode.Conflict, "reservation_closed");

        var seen = await JsonAsync(await gateway.GetAsync($"/v1/meter/reservations/{id}", Ct));
        Assert.Equal(("released", hold.GetProperty("expires_at").GetDateTime()), (seen.GetProperty("status").GetString(), seen.GetProperty("expires_at").GetDateTime()));
        await AssertProblemAsync(await gateway.GetAsync("/v1/meter/reservations/999999999", Ct), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Settle_AfterTheHoldExpired_ChargesTheCallOnce_AsALateUsageDebit()
    {
        var (account, key, secret) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var gateway = app.Client(app.MeteringToken);
        var id = (await ReserveAsync(gateway, key, 60)).GetProperty("reservation_id").GetInt64();
        await ExpireAsync(id);
        Assert.Equal("expired", (await JsonAsync(await gateway.GetAsync($"/v1/meter/reservations/{id}", Ct))).GetProperty("status").GetString());

        var settled = await gateway.PostAsJsonAsync($"/v1/meter/reservations/{id}/settle", Call, Ct);

        Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        var body = await JsonAsync(settled);
        var cost = body.GetProperty("cost").GetDecimal();
        Assert.True(cost > 0);
        Assert.Equal(-cost, body.GetProperty("settlement").GetDecimal());
        using var customer = app.Client(secret);
        var balance = await customer.GetFromJsonAsync<JsonElement>("/billing/balance", Ct);
        Assert.Equal((5m - cost, 5m - cost), (balance.GetProperty("balance").GetDecimal(), body.GetProperty("balance_after").GetDecimal()));
        var transactions = await customer.GetFromJsonAsync<JsonElement>("/billing/transactions?limit=1", Ct);
        Assert.Equal(("usage_debit", -cost), (transactions[0].GetProperty("type").GetString(), transactions[0].GetProperty("amount").GetDecimal()));
        var seen = await JsonAsync(await gateway.GetAsync($"/v1/meter/reservations/{id}", Ct));
        Assert.Equal(("settled", true, cost), (seen.GetProperty("status").GetString(), seen.GetProperty("settled_late").GetBoolean(),
            seen.GetProperty("cost").GetDecimal()));

        var again = await gateway.PostAsJsonAsync($"/v1/meter/reservations/{id}/settle", Call, Ct);
        Assert.Equal(body.ToString(), (await JsonAsync(again)).ToString());
        Assert.Equal(4, await app.EntryCountAsync(account)); // the top-up, then hold, release and the late charge
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        Assert.Equal((int?)200, (await db.RequestRecords.SingleAsync(q => q.ReservationId == id, Ct)).HttpStatus);
    }

    [Fact]
    public async Task Settle_HttpStatus_IsStored_ShownInTheAuditTrail_AndOutOfRangeIsRefused()
    {
        var (_, key, secret) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var gateway = app.Client(app.MeteringToken);
        var id = (await ReserveAsync(gateway, key)).GetProperty("reservation_id").GetInt64();

        foreach (var bad in new object[] { 99, 600, "ok" })
            await AssertProblemAsync(await gateway.PostAsJsonAsync($"/v1/meter/reservations/{id}/settle",
                new { input_tokens = 10, output_tokens = 10, status = "error", error_code = "upstream", http_status = bad }, Ct),
                HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsJsonAsync($"/v1/meter/reservations/{id}/settle",
            new { input_tokens = 10, output_tokens = 10, status = "error", error_code = "upstream", http_status = 502 }, Ct)).StatusCode);

        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        Assert.Equal((int?)502, (await db.RequestRecords.SingleAsync(q => q.ReservationId == id, Ct)).HttpStatus);
        using var customer = app.Client(secret);
        var audit = await customer.GetFromJsonAsync<JsonElement>($"/billing/requests?reservation_id={id}", Ct);
        Assert.Equal(502, audit[0].GetProperty("http_status").GetInt32());
        var csv = (await customer.GetStringAsync($"/billing/requests?reservation_id={id}&format=csv", Ct))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("502", csv[1].Split(',')[Array.IndexOf(csv[0].Split(','), "http_status")]);
    }

    [Fact]
    public async Task ReleasesBatch_EachItemSucceedsOrFailsOnItsOwn_AndBadInputIsRefused()
    {
        var (account, key, _) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var gateway = app.Client(app.MeteringToken);
        var first = await ReserveAsync(gateway, key);
        var second = await ReserveAsync(gateway, key);
        var firstId = first.GetProperty("reservation_id").GetInt64();
        var secondId = second.GetProperty("reservation_id").GetInt64();

        var response = await gateway.PostAsJsonAsync("/v1/meter/releases:batch", new
        {
            releases = new object[]
            {
                new { reservation_id = firstId, reason = "client disconnected" }, new { reservation_id = 999_999_999L }, new { reason = "no id" },
                new { reservation_id = secondId }, new { reservation_id = firstId, reason = "client disconnected" },
            },
        }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await JsonAsync(response)).EnumerateArray().ToList();
        Assert.Equal([200, 404, 400, 200, 200], items.Select(i => i.GetProperty("status").GetInt32()));
        Assert.Equal(first.GetProperty("held").GetDecimal(), items[0].GetProperty("result").GetProperty("released").GetDecimal());
        Assert.Equal(("not_found", "invalid_request"), (items[1].GetProperty("code").GetString(), items[2].GetProperty("code").GetString()));
        Assert.Equal(5, await app.EntryCountAsync(account)); // top-up, two holds, two releases
        foreach (var bad in new object[] { new { }, new { releases = Array.Empty<object>() },
                     new { releases = Enumerable.Range(0, 501).Select(i => new { reservation_id = i + 1 }).ToArray() } })
            await AssertProblemAsync(await gateway.PostAsJsonAsync("/v1/meter/releases:batch", bad, Ct), HttpStatusCode.BadRequest, "invalid_request");
    }
}
