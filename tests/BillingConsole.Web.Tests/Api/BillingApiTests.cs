using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Web.Tests.Api;

[Collection(ConsoleAppCollection.Name)]
public sealed class BillingApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private sealed record Transaction(long Id, DateTime CreatedAt, string Type, decimal Amount, decimal BalanceAfter,
        string Description, string Source, string? RefId);

    private static readonly JsonSerializerOptions Snake = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private async Task<List<Transaction>> PageAsync(HttpClient client, int limit, long? before)
    {
        var url = $"/billing/transactions?limit={limit}" + (before is { } b ? $"&before={b}" : "");
        var response = await client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<List<Transaction>>(Snake, Ct))!;
    }

    [Fact]
    public async Task Balance_WithDemoKey_IsTheLedgerBalanceInSnakeCase()
    {
        var accountId = await app.DemoAccountIdAsync();
        using var client = app.Client(app.CustomerApiKey);

        using var json = JsonDocument.Parse(await client.GetStringAsync("/billing/balance", Ct));
        var root = json.RootElement;

        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var sum = await db.LedgerEntries.Where(e => e.AccountId == accountId).SumAsync(e => e.Amount, Ct);
        var held = await db.Reservations.Where(r => r.AccountId == accountId && r.Status == ReservationStatus.Open).SumAsync(r => r.Amount, Ct);
        Assert.Equal(accountId, root.GetProperty("account_id").GetInt64());
        Assert.Equal(new Money(sum).ToDecimal(), root.GetProperty("balance").GetDecimal());
        Assert.Equal(new Money(held).ToDecimal(), root.GetProperty("held").GetDecimal());
        Assert.Equal("USD", root.GetProperty("currency").GetString());
        Assert.True(root.TryGetProperty("as_of", out _));
    }

    [Fact]
    public async Task Transactions_PagedToTheEnd_EqualTheFullHistoryWithAnUnbrokenChain()
    {
        var accountId = await app.DemoAccountIdAsync();
        using var client = app.Client(app.CustomerApiKey);
        var all = new List<Transaction>();
        long? before = null;
        while (true)
        {
            var page = await PageAsync(client, 137, before);
            all.AddRange(page);
            if (page.Count < 137)
                break;
            before = page[^1].Id;
        }

        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var expected = await db.LedgerEntries.Where(e => e.AccountId == accountId).OrderByDescending(e => e.Id).Select(e => e.Id).ToListAsync(Ct);
        Assert.True(expected.Count > 300, $"the demo history should have hundreds of entries, has {expected.Count}");
        Assert.Equal(expected, all.Select(t => t.Id).ToList());
        for (var i = 0; i < all.Count - 1; i++)
            Assert.Equal(all[i + 1].BalanceAfter + all[i].Amount, all[i].BalanceAfter);
        Assert.Equal(all[^1].Amount, all[^1].BalanceAfter);
        Assert.Equal(EntryTypes.All.Select(t => t.Name).Order(), all.Select(t => t.Type).Distinct().Order());
    }

    [Fact]
    public async Task Transactions_BeforeCursor_IsStableWhileNewEntriesArrive()
    {
        var accountId = await app.DemoAccountIdAsync();
        using var client = app.Client(app.CustomerApiKey);
        var first = await PageAsync(client, 20, null);
        var secondBefore = await PageAsync(client, 20, first[^1].Id);

        for (var i = 0; i < 5; i++)
            Assert.True((await app.Ledger.PostAsync(new PostRequest(accountId, EntryTypes.Bonus, Money.FromCents(1), "Promo", new Origin(EntrySources.Admin, "tests")), Ct)).Succeeded);
        var secondAfter = await PageAsync(client, 20, first[^1].Id);
        var newest = await PageAsync(client, 5, null);

        Assert.Equal(secondBefore.Select(t => t.Id), secondAfter.Select(t => t.Id));
        Assert.Empty(newest.Select(t => t.Id).Intersect(first.Select(t => t.Id)));
        Assert.All(newest, t => Assert.Equal("bonus", t.Type));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=abc")]
    [InlineData("limit=-5")]
    [InlineData("before=abc")]
    [InlineData("before=0")]
    [InlineData("before=-3")]
    [InlineData("before=99999999999999999999999")]
    public async Task Transactions_BadParameters_Are400ProblemJson(string query)
    {
        using var client = app.Client(app.CustomerApiKey);
        var response = await client.GetAsync($"/billing/transactions?{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("invalid_request", problem.RootElement.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("bc_not_a_real_key")]
    public async Task Api_WithoutAValidKey_Is401ProblemJson(string? key)
    {
        using var client = app.Client(key);
        foreach (var path in new[] { "/billing/balance", "/billing/transactions" })
        {
            var response = await client.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
            Assert.Equal("unauthorized", problem.RootElement.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task Api_KeysSeeOnlyTheirOwnAccount()
    {
        var otherAccount = await app.CreateApiKeyAsync("Globex Labs");
        using var client = app.Client(otherAccount.Secret);

        var balance = await client.GetFromJsonAsync<JsonElement>("/billing/balance", Ct);
        var page = await PageAsync(client, 1000, null);

        Assert.Equal(otherAccount.AccountId, balance.GetProperty("account_id").GetInt64());
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var own = await db.LedgerEntries.Where(e => e.AccountId == otherAccount.AccountId).Select(e => e.Id).ToListAsync(Ct);
        Assert.Equal(own.OrderDescending(), page.Select(t => t.Id));
    }
}
