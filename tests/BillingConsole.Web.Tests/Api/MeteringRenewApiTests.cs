using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

using static BillingConsole.Web.Tests.Api.ApiResponses;

namespace BillingConsole.Web.Tests.Api;

/// <summary>POST /v1/meter/reservations/{id}/renew over real HTTP.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class MeteringRenewApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private HttpClient Gateway() => app.Client(app.MeteringToken);

    private async Task<long> ReserveAsync(HttpClient gateway, object body)
    {
        var response = await gateway.PostAsJsonAsync("/v1/meter/reservations", body, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await JsonAsync(response)).GetProperty("reservation_id").GetInt64();
    }

    private Task<long> ReserveGpuAsync(HttpClient gateway, long key) =>
        ReserveAsync(gateway, new { idempotency_key = Guid.NewGuid().ToString("N"), api_key_id = key, sku = "gpu-h100-80gb", quantity = 1 });

    [Fact]
    public async Task Renew_OverHttp_SettlesTheCycleAndNamesTheNextReservation_ARetryReturnsTheSame()
    {
        var (account, key, _) = await app.CreateCustomerAsync(Money.FromDollars(20));
        using var gateway = Gateway();
        var first = await ReserveGpuAsync(gateway, key);

        var renewed = await gateway.PostAsJsonAsync($"/v1/meter/reservations/{first}/renew", new { quantity = 0.5m, description = "Inference instance n-3" }, Ct);
        var again = await gateway.PostAsJsonAsync($"/v1/meter/reservations/{first}/renew", new { quantity = 0.5m, description = "Inference instance n-3" }, Ct);

        Assert.Equal(HttpStatusCode.Created, renewed.StatusCode);
        var body = await JsonAsync(renewed);
        var next = body.GetProperty("reservation_id").GetInt64();
        Assert.NotEqual(first, next);
        Assert.Equal(first, body.GetProperty("renewed_reservation_id").GetInt64());
        Assert.Equal((1.3455m, 1.3455m, 2.691m), (body.GetProperty("cost").GetDecimal(), body.GetProperty("settlement").GetDecimal(),
            body.GetProperty("held").GetDecimal()));
        Assert.Equal(20m - 1.3455m - 2.691m, body.GetProperty("balance_after").GetDecimal());
        Assert.Equal(next, (await JsonAsync(again)).GetProperty("reservation_id").GetInt64());
        Assert.Equal(4, await app.EntryCountAsync(account)); // top-up, hold, settlement, next hold: once

        var settled = await gateway.PostAsJsonAsync($"/v1/meter/reservations/{next}/settle", new { quantity = 1 }, Ct);
        Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
    }

    [Fact]
    public async Task Renew_BadInputWrongHoldOrClosedCycle_IsRefusedWithItsCodeAndWritesNothing()
    {
        var (account, key, _) = await app.CreateCustomerAsync(Money.FromDollars(20));
        using var gateway = Gateway();
        var open = await ReserveGpuAsync(gateway, key);
        var closed = await ReserveGpuAsync(gateway, key);
        Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsJsonAsync($"/v1/meter/reservations/{closed}/release", new { reason = "stopped" }, Ct)).StatusCode);
        var tokens = await ReserveAsync(gateway, new
        {
            idempotency_key = Guid.NewGuid().ToString("N"), api_key_id = key, model = "gpt-4o-mini", max_input_tokens = 100, max_output_tokens = 10,
        });
        var before = await app.EntryCountAsync(account);

        foreach (var (path, body, status, code) in new (string, object, HttpStatusCode, string)[]
        {
            ($"{open}", new { }, HttpStatusCode.BadRequest, "invalid_request"),
            ($"{open}", new { quantity = -1 }, HttpStatusCode.BadRequest, "invalid_request"),
            ($"{open}", new { quantity = 0.0000001m }, HttpStatusCode.BadRequest, "invalid_request"),
            ($"{open}", new { quantity = 1, next_quantity = 0 }, HttpStatusCode.BadRequest, "invalid_request"),
            ($"{open}", new { quantity = 1, next_quantity = 1_000_001 }, HttpStatusCode.BadRequest, "invalid_request"),
            ($"{open}", new { quantity = 1, next_quantity = 100 }, HttpStatusCode.PaymentRequired, "insufficient_credits"),
            ($"{tokens}", new { quantity = 1 }, HttpStatusCode.BadRequest, "invalid_request"),
            ($"{closed}", new { quantity = 1 }, HttpStatusCode.Conflict, "reservation_closed"),
            ("987654321", new { quantity = 1 }, HttpStatusCode.NotFound, "not_found"),
            ("abc", new { quantity = 1 }, HttpStatusCode.NotFound, "not_found"),
        })
        {
            var response = await gateway.PostAsJsonAsync($"/v1/meter/reservations/{path}/renew", body, Ct);
            Assert.True(status == response.StatusCode, $"{path} {JsonSerializer.Serialize(body)}: {response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(code, (await JsonAsync(response)).GetProperty("code").GetString());
        }

        Assert.Equal(before, await app.EntryCountAsync(account));
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        Assert.Equal(ReservationStatus.Open, (await db.Reservations.SingleAsync(r => r.Id == open, Ct)).Status);
    }
}
