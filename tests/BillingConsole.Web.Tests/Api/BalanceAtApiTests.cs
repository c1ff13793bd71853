using System.Globalization;
using System.Net;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Web.Tests.Api;

/// <summary><c>GET /billing/balance?at=</c>: the Balance After of the last entry at or before a time, through the
/// real API on the shared console.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class BalanceAtApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private async Task<List<(long Id, DateTime At, long BalanceAfter)>> EntriesAsync(long accountId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        return (await db.LedgerEntries.Where(e => e.AccountId == accountId).OrderBy(e => e.Sequence)
            .Select(e => new { e.Id, e.CreatedAt, e.BalanceAfter }).ToListAsync(Ct))
            .Select(e => (e.Id, DateTime.SpecifyKind(e.CreatedAt, DateTimeKind.Utc), e.BalanceAfter)).ToList();
    }

    [Fact]
    public async Task GetBalance_AtTimes_AnswersTheBalanceAfterOfTheLastEntryAtOrBeforeIt()
    {
        var (accountId, _, secret) = await app.CreateCustomerAsync(Money.FromDollars(10));
        await app.Ledger.PostAsync(new PostRequest(accountId, EntryTypes.UsageDebit, Money.FromDollars(-3), "Usage", new Origin(EntrySources.Console, "tests")), Ct);
        await app.Ledger.PostAsync(new PostRequest(accountId, EntryTypes.Bonus, Money.FromDollars(5), "Bonus", new Origin(EntrySources.Admin, "tests")), Ct);
        var entries = await EntriesAsync(accountId);
        Assert.Equal(3, entries.Count);
        Assert.True(entries[0].At < entries[1].At && entries[1].At < entries[2].At, "the entries need distinct times");
        using var client = app.Client(secret);

        async Task AssertAtAsync(DateTime at, decimal balance, long? entryId)
        {
            var json = await ApiResponses.JsonAsync(await client.GetAsync($"/billing/balance?at={Uri.EscapeDataString(Iso(at))}", Ct));
            Assert.Equal(accountId, json.GetProperty("account_id").GetInt64());
            Assert.Equal(balance, json.GetProperty("balance").GetDecimal());
            Assert.Equal("USD", json.GetProperty("currency").GetString());
            Assert.Equal(at, json.GetProperty("as_of").GetDateTime().ToUniversalTime());
            Assert.Equal(entryId, json.GetProperty("entry_id").ValueKind == System.Text.Json.JsonValueKind.Null ? null : json.GetProperty("entry_id").GetInt64());
            Assert.False(json.TryGetProperty("held", out _));
        }

        await AssertAtAsync(entries[0].At.AddTicks(-1), 0m, null);
        await AssertAtAsync(entries[0].At, 10m, entries[0].Id);
        await AssertAtAsync(entries[1].At.AddTicks(-1), 10m, entries[0].Id);
        await AssertAtAsync(entries[1].At, 7m, entries[1].Id);
        await AssertAtAsync(entries[2].At.AddTicks(-1), 7m, entries[1].Id);
        await AssertAtAsync(entries[2].At.AddDays(365), 12m, entries[2].Id);
    }

    [Fact]
    public async Task GetBalance_AtWithAnOffset_IsReadAsThatInstant()
    {
        var (accountId, _, secret) = await app.CreateCustomerAsync(Money.FromDollars(4));
        var first = (await EntriesAsync(accountId))[0];
        using var client = app.Client(secret);
        // The same instant written two hours ahead of UTC.
        var local = first.At.AddHours(2).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "+02:00";

        var json = await ApiResponses.JsonAsync(await client.GetAsync($"/billing/balance?at={Uri.EscapeDataString(local)}", Ct));

        Assert.Equal(4m, json.GetProperty("balance").GetDecimal());
        Assert.Equal(first.Id, json.GetProperty("entry_id").GetInt64());
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-03-01")]
    [InlineData("2026-03-01T12:00:00")]
    [InlineData("2026-13-01T12:00:00Z")]
    [InlineData("2026-03-01 12:00:00Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("")]
    public async Task GetBalance_BadAt_Is400InvalidRequest(string at)
    {
        var (_, _, secret) = await app.CreateCustomerAsync(Money.FromDollars(1));
        using var client = app.Client(secret);

        var response = await client.GetAsync($"/billing/balance?at={Uri.EscapeDataString(at)}", Ct);

        await ApiResponses.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request", at);
    }
}
