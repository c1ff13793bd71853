using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

using static BillingConsole.Web.Tests.Api.ApiResponses;

namespace BillingConsole.Web.Tests.Api;

/// <summary>The provisioning API over real HTTP with the demo admin token: every route, replays, conflicts, bad input
/// that writes nothing, and the lifecycle's effect on the metering API.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class AdminAccountsApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private HttpClient Admin() => app.Client(app.AdminToken);

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, JsonDocument.Parse(text).RootElement.GetProperty("code").GetString());
    }

    private static object NewAccount(string name, string? key = null, decimal? grant = null) => new
    {
        name, email = "billing@newco.example", overdraft_floor = -20m, opening_grant = grant,
        opening_grant_reason = grant is null ? null : "Welcome credit for the pilot", idempotency_key = key ?? Guid.NewGuid().ToString("N"),
    };

    private async Task<long> CreateAsync(HttpClient client, string name, decimal? grant = null)
    {
        using var response = await client.PostAsJsonAsync("/v1/admin/accounts", NewAccount(name, grant: grant), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await JsonAsync(response)).GetProperty("id").GetInt64();
    }

    private async Task<(long Entries, int AuditRows)> WrittenAsync(long accountId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        return (await db.LedgerEntries.LongCountAsync(e => e.AccountId == accountId, Ct), await db.AdminAuditLog.CountAsync(e => e.AccountId == accountId, Ct));
    }

    private Task<HttpResponseMessage> ReserveAsync(long keyId) => app.Client(app.MeteringToken).PostAsJsonAsync("/v1/meter/reservations",
        new { idempotency_key = Guid.NewGuid().ToString("N"), api_key_id = keyId, model = "gpt-4o-mini", max_input_tokens = 100, max_output_tokens = 100 }, Ct);

    [Fact]
    public async Task CreateAccount_WithOpeningGrant_Is201AndTheGrantIsAContractGrantByTheToken()
    {
        using var client = Admin();
        var name = $"NewCo {Guid.NewGuid():N}";
        using var response = await client.PostAsJsonAsync("/v1/admin/accounts", NewAccount(name, grant: 25.5m), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var account = await JsonAsync(response);
        var id = account.GetProperty("id").GetInt64();
        Assert.Equal($"/v1/admin/accounts/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal((name, "billing@newco.example", "active", 25.5m, -20m), (account.GetProperty("name").GetString(),
            account.GetProperty("email").GetString(), account.GetProperty("status").GetString(), account.GetProperty("balance").GetDecimal(),
            account.GetProperty("overdraft_floor").GetDecimal()));
        Assert.True(account.TryGetProperty("created_at", out _));
        var read = await JsonAsync(await client.GetAsync($"/v1/admin/accounts/{id}", Ct));
        Assert.Equal(25.5m, read.GetProperty("balance").GetDecimal());

        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var entry = await db.LedgerEntries.AsNoTracking().SingleAsync(e => e.AccountId == id, Ct);
        Assert.Equal((EntryTypes.ContractGrant, "admin-token:demo", "Welcome credit for the pilot"), (entry.Type, entry.Actor, entry.Description));
        var audit = await db.AdminAuditLog.AsNoTracking().Where(e => e.AccountId == id).OrderBy(e => e.Id).ToListAsync(Ct);
        Assert.Equal([AdminActions.AccountCreate, AdminActions.Grant], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal("admin-token:demo", a.Actor));
    }

    [Fact]
    public async Task CreateAccount_SameKeyAgain_ReturnsTheSameAccount_OtherBodyIs409()
    {
        using var client = Admin();
        var key = Guid.NewGuid().ToString("N");
        var name = $"Retry {Guid.NewGuid():N}";
        using var first = await client.PostAsJsonAsync("/v1/admin/accounts", NewAccount(name, key, 10m), Ct);
        using var again = await client.PostAsJsonAsync("/v1/admin/accounts", NewAccount(name, key, 10m), Ct);
        using var other = await client.PostAsJsonAsync("/v1/admin/accounts", NewAccount(name, key, 99m), Ct);

        var id = (await JsonAsync(first)).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(id, (await JsonAsync(again)).GetProperty("id").GetInt64());
        await AssertProblemAsync(other, HttpStatusCode.Conflict, "idempotency_conflict");
        Assert.Equal((1L, 2), await WrittenAsync(id));
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        Assert.Equal(1, await db.Accounts.CountAsync(a => a.Name == name, Ct));
    }

    [Theory]
    [InlineData("""{"name":"Bad {0}","email":"billing@x.example"}""")]
    [InlineData("""{"name":"Bad {0}","email":"not an email","idempotency_key":"k-{0}"}""")]
    [InlineData("""{"name":"Bad {0}","email":"billing@x.example","overdraft_floor":5,"idempotency_key":"k-{0}"}""")]
    [InlineData("""{"name":"Bad {0}","email":"billing@x.example","opening_grant":-1,"opening_grant_reason":"Negative grant","idempotency_key":"k-{0}"}""")]
    [InlineData("""{"name":"Bad {0}","email":"billing@x.example","opening_grant":5,"idempotency_key":"k-{0}"}""")]
    [InlineData("""{"name":"Bad {0}","email":"billing@x.example","opening_grant":0.0000000001,"opening_grant_reason":"Too precise","idempotency_key":"k-{0}"}""")]
    [InlineData("""{"name":"Bad {0}","email":"billing@x.example","overdraft_floor":"lots","idempotency_key":"k-{0}"}""")]
    public async Task CreateAccount_BadInput_Is400AndCreatesNothing(string template)
    {
        var tag = Guid.NewGuid().ToString("N");
        using var client = Admin();
        using var response = await client.PostAsync("/v1/admin/accounts",
            new StringContent(template.Replace("{0}", tag), System.Text.Encoding.UTF8, "application/json"), Ct);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        Assert.False(await db.Accounts.AnyAsync(a => a.Name == $"Bad {tag}", Ct));
    }

    [Fact]
    public async Task ListAccounts_QueryAndKeysetPaging_NewestFirst()
    {
        using var client = Admin();
        var tag = Guid.NewGuid().ToString("N")[..10];
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
            ids.Add(await CreateAsync(client, $"Paged {tag} {i}"));

        var page = await JsonAsync(await client.GetAsync($"/v1/admin/accounts?query=PAGED%20{tag}&limit=2", Ct));
        var first = page.EnumerateArray().Select(a => a.GetProperty("id").GetInt64()).ToList();
        var next = await JsonAsync(await client.GetAsync($"/v1/admin/accounts?query={tag}&limit=2&before={first[^1]}", Ct));

        Assert.Equal([ids[2], ids[1]], first);
        Assert.Equal([ids[0]], next.EnumerateArray().Select(a => a.GetProperty("id").GetInt64()));
        await AssertProblemAsync(await client.GetAsync("/v1/admin/accounts?limit=0", Ct), HttpStatusCode.BadRequest, "invalid_request");
        await AssertProblemAsync(await client.GetAsync("/v1/admin/accounts?before=-4", Ct), HttpStatusCode.BadRequest, "invalid_request");
        await AssertProblemAsync(await client.GetAsync("/v1/admin/accounts/99999999", Ct), HttpStatusCode.NotFound, "not_found");
        await AssertProblemAsync(await client.GetAsync("/v1/admin/accounts/abc", Ct), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Suspend_RefusesMeteringReservationsWith403_SettlesStillLand_ReinstateRestores()
    {
        using var client = Admin();
        var id = await CreateAsync(client, $"Suspend {Guid.NewGuid():N}", 10m);
        var keyId = (await app.Services.GetRequiredService<ApiKeyService>().CreateAsync(id, "gateway", null, Ct)).Value!.Key.Id;
        using var held = await ReserveAsync(keyId);
        var reservation = (await JsonAsync(held)).GetProperty("reservation_id").GetInt64();

        using var suspended = await client.PostAsJsonAsync($"/v1/admin/accounts/{id}/suspend", new { reason = "Payment dispute open" }, Ct);

        Assert.Equal("suspended", (await JsonAsync(suspended)).GetProperty("status").GetString());
        await AssertProblemAsync(await ReserveAsync(keyId), HttpStatusCode.Forbidden, "account_suspended");
        using var settled = await app.Client(app.MeteringToken).PostAsJsonAsync($"/v1/meter/reservations/{reservation}/settle",
            new { input_tokens = 10, output_tokens = 10, status = "success" }, Ct);
        Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        using var reinstated = await client.PostAsJsonAsync($"/v1/admin/accounts/{id}/reinstate", new { reason = "Dispute resolved" }, Ct);
        Assert.Equal("active", (await JsonAsync(reinstated)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Created, (await ReserveAsync(keyId)).StatusCode);
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var actions = await db.AdminAuditLog.Where(e => e.AccountId == id).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync(Ct);
        Assert.Equal([AdminActions.AccountCreate, AdminActions.Grant, AdminActions.AccountSuspend, AdminActions.AccountReinstate], actions);
    }

    [Fact]
    public async Task Close_OnlyAtZero_ThenEveryWriteIs409AccountClosed_AndTheAccountStaysReadable()
    {
        using var client = Admin();
        var id = await CreateAsync(client, $"Close {Guid.NewGuid():N}", 2m);
        var keyId = (await app.Services.GetRequiredService<ApiKeyService>().CreateAsync(id, "gateway", null, Ct)).Value!.Key.Id;

        await AssertProblemAsync(await client.PostAsJsonAsync($"/v1/admin/accounts/{id}/close", new { reason = "Customer churned" }, Ct),
            HttpStatusCode.Conflict, "account_not_empty");
        using var zeroed = await client.PostAsJsonAsync($"/v1/admin/accounts/{id}/entries",
            new { type = "admin_correction", amount = -2m, reason = "Pilot credit expired", idempotency_key = Guid.NewGuid().ToString("N") }, Ct);
        Assert.Equal(HttpStatusCode.Created, zeroed.StatusCode);
        using var closed = await client.PostAsJsonAsync($"/v1/admin/accounts/{id}/close", new { reason = "Customer churned" }, Ct);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);

        await AssertProblemAsync(await ReserveAsync(keyId), HttpStatusCode.Conflict, "account_closed");
        await AssertProblemAsync(await client.PostAsJsonAsync($"/v1/admin/accounts/{id}/entries",
            new { type = "bonus", amount = 1m, reason = "Goodwill credit", idempotency_key = Guid.NewGuid().ToString("N") }, Ct),
            HttpStatusCode.Conflict, "account_closed");
        await AssertProblemAsync(await client.PostAsJsonAsync($"/v1/admin/accounts/{id}/suspend", new { reason = "Too late now" }, Ct),
            HttpStatusCode.Conflict, "account_closed");
        var read = await JsonAsync(await client.GetAsync($"/v1/admin/accounts/{id}", Ct));
        Assert.Equal(("closed", 0m), (read.GetProperty("status").GetString(), read.GetProperty("balance").GetDecimal()));
        Assert.Equal((2L, 4), await WrittenAsync(id)); // grant + correction; create, grant, correction, close
    }

    [Fact]
    public async Task PostEntry_Is201TheEntry_ReplayReturnsIt_OtherBodyIs409_BadInputWritesNothing()
    {
        using var client = Admin();
        var id = await CreateAsync(client, $"Entries {Guid.NewGuid():N}");
        var key = Guid.NewGuid().ToString("N");
        var body = new { type = "bonus_grant", amount = 7.25m, reason = "Negotiated extra for Q1", idempotency_key = key };

        using var first = await client.PostAsJsonAsync($"/v1/admin/accounts/{id}/entries", body, Ct);
        using var again = await client.PostAsJsonAsync($"/v1/admin/accounts/{id}/entries", body, Ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var entry = await JsonAsync(first);
        Assert.Equal(("bonus_grant", 7.25m, 7.25m, "Negotiated extra for Q1", "admin"), (entry.GetProperty("type").GetString(),
            entry.GetProperty("amount").GetDecimal(), entry.GetProperty("balance_after").GetDecimal(), entry.GetProperty("description").GetString(),
            entry.GetProperty("source").GetString()));
        Assert.Equal(entry.GetProperty("id").GetInt64(), (await JsonAsync(again)).GetProperty("id").GetInt64());
        await AssertProblemAsync(await client.PostAsJsonAsync($"/v1/admin/accounts/{id}/entries", body with { amount = 8m }, Ct),
            HttpStatusCode.Conflict, "idempotency_conflict");
        foreach (var bad in new object[]
                 {
                     new { type = "usage_debit", amount = -1m, reason = "Not an admin type", idempotency_key = "x1" },
                     new { type = "bonus", amount = -1m, reason = "Negative bonus", idempotency_key = "x2" },
                     new { type = "bonus", amount = 1m, reason = "no", idempotency_key = "x3" },
                     new { type = "bonus", amount = 1m, reason = "Missing key", idempotency_key = "" },
                 })
            await AssertProblemAsync(await client.PostAsJsonAsync($"/v1/admin/accounts/{id}/entries", bad, Ct), HttpStatusCode.BadRequest, "invalid_request");
        await AssertProblemAsync(await client.PostAsJsonAsync("/v1/admin/accounts/99999999/entries",
            new { type = "bonus", amount = 1m, reason = "Nobody home", idempotency_key = "x4" }, Ct), HttpStatusCode.NotFound, "not_found");
        Assert.Equal((1L, 2), await WrittenAsync(id)); // the entry; create + grant audit rows
    }

    [Fact]
    public async Task StatusChange_BadReasonOrUnknownAccount_IsRefusedAndWritesNothing()
    {
        using var client = Admin();
        var id = await CreateAsync(client, $"Reasons {Guid.NewGuid():N}");

        await AssertProblemAsync(await client.PostAsJsonAsync($"/v1/admin/accounts/{id}/suspend", new { reason = "no" }, Ct), HttpStatusCode.BadRequest, "invalid_request");
        await AssertProblemAsync(await client.PostAsync($"/v1/admin/accounts/{id}/close", new StringContent("reason=x"), Ct),
            HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await AssertProblemAsync(await client.PostAsJsonAsync("/v1/admin/accounts/99999999/suspend", new { reason = "Unknown account" }, Ct),
            HttpStatusCode.NotFound, "not_found");

        Assert.Equal("active", (await JsonAsync(await client.GetAsync($"/v1/admin/accounts/{id}", Ct))).GetProperty("status").GetString());
        Assert.Equal((0L, 1), await WrittenAsync(id));
    }

    [Fact]
    public async Task Routes_WrongCredential_AreRefused()
    {
        var (_, _, customerKey) = await app.CreateCustomerAsync(Money.Zero);
        var body = NewAccount($"Refused {Guid.NewGuid():N}");

        await AssertProblemAsync(await app.Client().PostAsJsonAsync("/v1/admin/accounts", body, Ct), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblemAsync(await app.Client(customerKey).PostAsJsonAsync("/v1/admin/accounts", body, Ct), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblemAsync(await app.Client(app.MeteringToken).GetAsync("/v1/admin/accounts", Ct), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblemAsync(await app.Client("bc_not_a_token").GetAsync("/v1/admin/accounts", Ct), HttpStatusCode.Unauthorized, "unauthorized");
        // And the admin token is no customer: the customer API refuses it.
        await AssertProblemAsync(await Admin().GetAsync("/billing/balance", Ct), HttpStatusCode.Forbidden, "forbidden");
    }
}
