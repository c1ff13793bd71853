using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

using static BillingConsole.Web.Tests.Api.ApiResponses;

namespace BillingConsole.Web.Tests.Api;

/// <summary>Reserving and settling a priced unit ({sku, quantity}) over real HTTP.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class MeteringUnitsApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private HttpClient Gateway() => app.Client(app.MeteringToken);

    private async Task<long> ReserveGpuAsync(HttpClient gateway, long key, decimal quantity = 1)
    {
        var response = await gateway.PostAsJsonAsync("/v1/meter/reservations", new
        {
            idempotency_key = Guid.NewGuid().ToString("N"), api_key_id = key, sku = "gpu-a100-80gb", quantity, description = "GPU instance i-42",
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await JsonAsync(response)).GetProperty("reservation_id").GetInt64();
    }

    [Fact]
    public async Task ReserveBySku_HoldsQuantityTimesUnitPrice_AndSettleChargesTheRealQuantity()
    {
        var (account, key, _) = await app.CreateCustomerAsync(Money.FromDollars(10));
        using var gateway = Gateway();
        var reserved = await gateway.PostAsJsonAsync("/v1/meter/reservations", new
        {
            idempotency_key = Guid.NewGuid().ToString("N"), api_key_id = key, sku = "gpu-a100-80gb", quantity = 2, description = "GPU instance i-42",
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, reserved.StatusCode);
        var hold = await JsonAsync(reserved);
        Assert.Equal((3.222m, 6.778m), (hold.GetProperty("held").GetDecimal(), hold.GetProperty("balance_after").GetDecimal())); // 2 x $1.611

        var settled = await gateway.PostAsJsonAsync($"/v1/meter/reservations/{hold.GetProperty("reservation_id").GetInt64()}/settle",
            new { quantity = 1.25m, status = "success" }, Ct);

        Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        var body = await JsonAsync(settled);
        Assert.Equal((2.01375m, 1.20825m, 7.98625m), (body.GetProperty("cost").GetDecimal(), body.GetProperty("settlement").GetDecimal(),
            body.GetProperty("balance_after").GetDecimal()));
        Assert.Equal(3, await app.EntryCountAsync(account));
    }

    [Fact]
    public async Task Reserve_BothShapesOrBadSku_IsRefusedAndWritesNothing()
    {
        var (account, key, _) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var gateway = Gateway();
        string Id() => Guid.NewGuid().ToString("N");
        var cases = new (object Body, HttpStatusCode Status, string Code)[]
        {
            (new { idempotency_key = Id(), api_key_id = key, sku = "gpu-a100-80gb", quantity = 1, model = "gpt-4o", max_input_tokens = 10, max_output_tokens = 10 },
                HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = key, sku = "gpu-a100-80gb", quantity = 1, max_output_tokens = 10 }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = key, sku = "gpu-a100-80gb" }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = key, quantity = 1 }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = key, sku = "gpu-z9000", quantity = 1 }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = key, sku = "gpt-4o", quantity = 1 }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = key, model = "gpu-a100-80gb", max_input_tokens = 10, max_output_tokens = 10 }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = key, sku = "gpu-a100-80gb", quantity = 0 }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = key, sku = "gpu-a100-80gb", quantity = 1_000_001 }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = key, sku = "gpu-a100-80gb", quantity = 0.0000001m }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = 987_654_321L, sku = "gpu-a100-80gb", quantity = 1 }, HttpStatusCode.NotFound, "not_found"),
            (new { idempotency_key = Id(), api_key = "bc_never_issued_0000000000", sku = "gpu-a100-80gb", quantity = 1 }, HttpStatusCode.NotFound, "not_found"),
            (new { idempotency_key = Id(), api_key_id = key, sku = "gpu-b200-180gb", quantity = 2 }, HttpStatusCode.PaymentRequired, "insufficient_credits"),
        };
        foreach (var (body, status, code) in cases)
            await AssertProblemAsync(await gateway.PostAsJsonAsync("/v1/meter/reservations", body, Ct), status, code, JsonSerializer.Serialize(body));
        Assert.Equal(1, await app.EntryCountAsync(account));
    }

    [Fact]
    public async Task Settle_WrongShapeOrBadQuantity_Is400_AndTheHoldStaysOpen()
    {
        var (account, key, _) = await app.CreateCustomerAsync(Money.FromDollars(10));
        using var gateway = Gateway();
        var unitHold = await ReserveGpuAsync(gateway, key);
        var tokenReserved = await gateway.PostAsJsonAsync("/v1/meter/reservations", new
        {
            idempotency_key = Guid.NewGuid().ToString("N"), api_key_id = key, model = "gpt-4o-mini", max_input_tokens = 1_000, max_output_tokens = 100,
        }, Ct);
        var tokenHold = (await JsonAsync(tokenReserved)).GetProperty("reservation_id").GetInt64();
        var before = await app.EntryCountAsync(account);

        foreach (var (id, body) in new (long, object)[]
        {
            (unitHold, new { input_tokens = 10, output_tokens = 10 }),
            (unitHold, new { quantity = 1, input_tokens = 10, output_tokens = 10 }),
            (unitHold, new { quantity = -1 }),
            (unitHold, new { quantity = 0.0000001m }),
            (tokenHold, new { quantity = 1 }),
        })
            await AssertProblemAsync(await gateway.PostAsJsonAsync($"/v1/meter/reservations/{id}/settle", body, Ct), HttpStatusCode.BadRequest,
                "invalid_request", JsonSerializer.Serialize(body));

        Assert.Equal(before, await app.EntryCountAsync(account));
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        Assert.Equal(2, await db.Reservations.CountAsync(r => r.AccountId == account && r.Status == ReservationStatus.Open, Ct));
    }
}
