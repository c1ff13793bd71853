using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

using static BillingConsole.Web.Tests.Api.ApiResponses;

namespace BillingConsole.Web.Tests.Api;

/// <summary>POST /v1/meter/usage over real HTTP: priced units charged without a hold.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class MeteringUsageApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private HttpClient Gateway() => app.Client(app.MeteringToken);

    private async Task<(long Entries, long Balance)> LedgerOfAsync(long accountId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        return (await db.LedgerEntries.LongCountAsync(e => e.AccountId == accountId, Ct),
            await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Balance).SingleAsync(Ct));
    }

    [Fact]
    public async Task Usage_StorageSku_PostsStorageBillingCitingResourceAndComputation()
    {
        var (account, key, _) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var gateway = Gateway();

        var response = await gateway.PostAsJsonAsync("/v1/meter/usage", new
        {
            idempotency_key = Guid.NewGuid().ToString("N"), api_key_id = key, sku = "storage-block-ssd", quantity = 120, description = "Volume vol-7, 2026-03-09",
        }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal("storage_billing", body.GetProperty("type").GetString());
        Assert.Equal(-0.3564m, body.GetProperty("amount").GetDecimal()); // 120 x $0.00297
        Assert.Equal(-0.396m, -body.GetProperty("market_cost").GetDecimal()); // 120 x $0.0033 list price
        Assert.Equal(4.6436m, body.GetProperty("balance_after").GetDecimal());
        Assert.Equal("Volume vol-7, 2026-03-09: 120 GB-days of Block storage (SSD) x $0.00297/GB-day = $0.3564", body.GetProperty("description").GetString());
        Assert.Equal(("metering_api", "storage-block-ssd", 120m), (body.GetProperty("source").GetString(), body.GetProperty("ref_id").GetString(),
            body.GetProperty("quantity").GetDecimal()));
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var entry = await db.LedgerEntries.SingleAsync(e => e.Id == body.GetProperty("id").GetInt64(), Ct);
        Assert.Equal((account, EntryTypes.StorageBilling, -356_400_000L), (entry.AccountId, entry.Type, entry.Amount));
    }

    [Fact]
    public async Task Usage_GpuSkuByAccountId_PostsAUsageDebitForTheFractionalQuantity()
    {
        var (account, _, _) = await app.CreateCustomerAsync(Money.FromDollars(10));
        using var gateway = Gateway();

        var response = await gateway.PostAsJsonAsync("/v1/meter/usage", new
        {
            idempotency_key = Guid.NewGuid().ToString("N"), account_id = account, sku = "gpu-h100-80gb", quantity = 1.5m,
        }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(("usage_debit", -4.0365m), (body.GetProperty("type").GetString(), body.GetProperty("amount").GetDecimal()));
        Assert.Equal("1.5 GPU-hours of NVIDIA H100 80GB x $2.691/GPU-hour = $4.0365", body.GetProperty("description").GetString());
        Assert.Equal((2L, 10_000_000_000L - 4_036_500_000L), await LedgerOfAsync(account));
    }

    [Fact]
    public async Task Usage_SameKeyTwice_ReturnsTheFirstEntry_AnotherBodyIsAConflict()
    {
        var (account, key, _) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var gateway = Gateway();
        var idempotencyKey = Guid.NewGuid().ToString("N");
        object Body(decimal quantity) => new { idempotency_key = idempotencyKey, api_key_id = key, sku = "dall-e-3", quantity };

        var first = await JsonAsync(await gateway.PostAsJsonAsync("/v1/meter/usage", Body(4), Ct));
        var again = await gateway.PostAsJsonAsync("/v1/meter/usage", Body(4), Ct);
        var other = await gateway.PostAsJsonAsync("/v1/meter/usage", Body(5), Ct);

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(first.GetProperty("id").GetInt64(), (await JsonAsync(again)).GetProperty("id").GetInt64());
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Equal("idempotency_conflict", (await JsonAsync(other)).GetProperty("code").GetString());
        Assert.Equal((2L, 5_000_000_000L - 144_000_000L), await LedgerOfAsync(account)); // 4 images x $0.036, once
    }

    [Fact]
    public async Task Usage_BelowTheFloor_Is402AndWritesNothing()
    {
        var (account, key, _) = await app.CreateCustomerAsync(Money.FromDollars(1));
        using var gateway = Gateway();
        var before = await LedgerOfAsync(account);

        var response = await gateway.PostAsJsonAsync("/v1/meter/usage", new
        {
            idempotency_key = Guid.NewGuid().ToString("N"), api_key_id = key, sku = "gpu-b200-180gb", quantity = 1,
        }, Ct);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal("insufficient_credits", (await JsonAsync(response)).GetProperty("code").GetString());
        Assert.Equal(before, await LedgerOfAsync(account));
    }

    [Fact]
    public async Task Usage_BadInput_IsRefusedWithItsCodeAndWritesNothing()
    {
        var (account, key, _) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var gateway = Gateway();
        var before = await LedgerOfAsync(account);
        string Id() => Guid.NewGuid().ToString("N");
        var cases = new (object Body, HttpStatusCode Status, string Code)[]
        {
            (new { idempotency_key = Id(), api_key_id = key, sku = "gpu-z9000", quantity = 1 }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = key, sku = "gpt-4o", quantity = 1 }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = key, sku = "gpu-h100-80gb", quantity = 0 }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = key, sku = "gpu-h100-80gb", quantity = -1 }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = key, sku = "gpu-h100-80gb", quantity = 1.0000001m }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = key, sku = "gpu-h100-80gb", quantity = 1_000_001 }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = key, sku = "gpu-h100-80gb" }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = key, account_id = account, sku = "gpu-h100-80gb", quantity = 1 }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), sku = "gpu-h100-80gb", quantity = 1 }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { api_key_id = key, sku = "gpu-h100-80gb", quantity = 1 }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = key, sku = "whisper-1", quantity = 0.000001m }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = key, sku = "gpu-h100-80gb", quantity = 1, description = new string('x', 201) }, HttpStatusCode.BadRequest, "invalid_request"),
            (new { idempotency_key = Id(), api_key_id = 987_654_321L, sku = "gpu-h100-80gb", quantity = 1 }, HttpStatusCode.NotFound, "not_found"),
            (new { idempotency_key = Id(), account_id = 987_654_321L, sku = "gpu-h100-80gb", quantity = 1 }, HttpStatusCode.NotFound, "not_found"),
        };
        foreach (var (body, status, code) in cases)
        {
            var response = await gateway.PostAsJsonAsync("/v1/meter/usage", body, Ct);
            Assert.True(status == response.StatusCode, $"{JsonSerializer.Serialize(body)}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(code, (await JsonAsync(response)).GetProperty("code").GetString());
        }
        Assert.Equal(before, await LedgerOfAsync(account));
    }

    [Fact]
    public async Task Usage_WithACustomerKey_IsForbidden()
    {
        var (_, key, secret) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var customer = app.Client(secret);

        var response = await customer.PostAsJsonAsync("/v1/meter/usage", new { idempotency_key = "x", api_key_id = key, sku = "dall-e-3", quantity = 1 }, Ct);

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
    }
}
