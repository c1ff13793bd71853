using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
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
    public async Task Api_KeyOfOneAccount_SeesOnlyThatAccount()
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

    // ---- Filters (type, from, to) and CSV export ----

    private static async Task<List<Transaction>> AllPagesAsync(HttpClient client, string filter, int limit = 500)
    {
        var all = new List<Transaction>();
        long? before = null;
        while (true)
        {
            var url = $"/billing/transactions?limit={limit}&{filter}" + (before is { } b ? $"&before={b}" : "");
            var response = await client.GetAsync(url, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = (await response.Content.ReadFromJsonAsync<List<Transaction>>(Snake, Ct))!;
            all.AddRange(page);
            if (page.Count < limit)
                return all;
            before = page[^1].Id;
        }
    }

    [Fact]
    public async Task Transactions_TypeFilter_PagesThroughExactlyTheEntriesOfThoseTypes()
    {
        var accountId = await app.DemoAccountIdAsync();
        using var client = app.Client(app.CustomerApiKey);

        var filtered = await AllPagesAsync(client, "type=topup,%20auto_recharge,usage_debit,storage_billing", limit: 7);

        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        string[] types = [EntryTypes.Topup, EntryTypes.AutoRecharge, EntryTypes.UsageDebit, EntryTypes.StorageBilling];
        var expected = await db.LedgerEntries.Where(e => e.AccountId == accountId && types.Contains(e.Type))
            .OrderByDescending(e => e.Id).Select(e => e.Id).ToListAsync(Ct);
        Assert.True(expected.Count > 7, "the filter should span several pages");
        Assert.Equal(expected, filtered.Select(t => t.Id));
        Assert.All(filtered, t => Assert.Contains(t.Type, types));
    }

    [Fact]
    public async Task Transactions_DateRange_IsInclusiveUtcDates()
    {
        var accountId = await app.DemoAccountIdAsync();
        using var client = app.Client(app.CustomerApiKey);
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var days = await db.LedgerEntries.Where(e => e.AccountId == accountId).Select(e => e.CreatedAt).ToListAsync(Ct);
        var first = DateOnly.FromDateTime(days.Min());
        var (from, to) = (first.AddDays(3), first.AddDays(9));

        var filtered = await AllPagesAsync(client, $"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&type=reservation,topup");

        var (start, end) = (from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        var expected = await db.LedgerEntries
            .Where(e => e.AccountId == accountId && e.CreatedAt >= start && e.CreatedAt < end && (e.Type == EntryTypes.Reservation || e.Type == EntryTypes.Topup))
            .OrderByDescending(e => e.Id).Select(e => e.Id).ToListAsync(Ct);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, filtered.Select(t => t.Id));
        Assert.All(filtered, t => Assert.InRange(DateOnly.FromDateTime(t.CreatedAt), from, to));

        var oneDay = await AllPagesAsync(client, $"from={to:yyyy-MM-dd}&to={to:yyyy-MM-dd}");
        Assert.All(oneDay, t => Assert.Equal(to, DateOnly.FromDateTime(t.CreatedAt)));
        Assert.Equal(days.Count(d => DateOnly.FromDateTime(d) == to), oneDay.Count);
    }

    [Fact]
    public async Task Transactions_Csv_HasEveryFilteredRow_AcrossPages_InTheJsonOrderAndValues()
    {
        var accountId = await app.DemoAccountIdAsync();
        using var client = app.Client(app.CustomerApiKey);
        var json = await AllPagesAsync(client, "type=reservation,settlement", limit: 1000);
        Assert.True(json.Count > 1000, $"the export should span more than one page of 1000, has {json.Count}");

        var response = await client.GetAsync("/billing/transactions?type=reservation,settlement&format=csv", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.StartsWith($"transactions-{accountId}-", CsvReading.FileName(response));
        var text = await response.Content.ReadAsStringAsync(Ct);
        var table = CsvReading.Parse(text);
        Assert.Equal(["id", "created_at", "type", "amount", "balance_after", "description", "source", "ref_id"], table[0]);
        Assert.Equal(json.Count, table.Count - 1);
        for (var i = 0; i < json.Count; i++)
        {
            var (t, cells) = (json[i], table[i + 1]);
            Assert.Equal(t.Id.ToString(CultureInfo.InvariantCulture), cells[0]);
            Assert.Equal(DateTime.SpecifyKind(t.CreatedAt, DateTimeKind.Utc), DateTime.Parse(cells[1], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal));
            Assert.EndsWith("Z", cells[1]);
            Assert.Equal(t.Type, cells[2]);
            Assert.Equal(t.Amount, decimal.Parse(cells[3], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));
            Assert.Equal(t.BalanceAfter, decimal.Parse(cells[4], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));
            Assert.Equal(t.Description, cells[5]);
            Assert.Equal(t.Source, cells[6]);
            Assert.Equal(t.RefId ?? "", cells[7]);
        }
        Assert.EndsWith("\r\n", text);

        // limit caps an export; without it the export is the whole filtered history.
        var capped = CsvReading.Parse(await client.GetStringAsync("/billing/transactions?type=reservation,settlement&format=csv&limit=5", Ct));
        Assert.Equal(json.Take(5).Select(t => t.Id.ToString(CultureInfo.InvariantCulture)), capped.Skip(1).Select(r => r[0]));
    }

    [Fact]
    public async Task Transactions_Csv_QuotesFieldsAndGuardsTextCellsAgainstFormulas()
    {
        var customer = await app.CreateCustomerAsync(Money.FromDollars(100));
        const string formula = "=HYPERLINK(\"http://evil.example\",\"x\")";
        Assert.True((await app.Ledger.PostAsync(new PostRequest(customer.AccountId, EntryTypes.UsageDebit, new Money(-1_500_000_001), formula,
            new Origin(EntrySources.Admin, "tests"), "-batch"), Ct)).Succeeded);
        Assert.True((await app.Ledger.PostAsync(new PostRequest(customer.AccountId, EntryTypes.Bonus, Money.FromCents(1), "Thanks, \"valued\" customer\nline two",
            new Origin(EntrySources.Admin, "tests"), "@promo"), Ct)).Succeeded);
        using var client = app.Client(customer.Secret);

        var text = await client.GetStringAsync("/billing/transactions?format=csv", Ct);

        var table = CsvReading.Parse(text);
        Assert.Equal(4, table.Count);
        var debit = table.Single(r => r[2] == EntryTypes.UsageDebit);
        Assert.Equal("'" + formula, debit[5]);
        Assert.Equal("'-batch", debit[7]);
        Assert.Equal("-1.500000001", debit[3]);
        Assert.Equal("98.499999999", debit[4]);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"", text);
        var bonus = table.Single(r => r[2] == EntryTypes.Bonus);
        Assert.Equal("Thanks, \"valued\" customer\nline two", bonus[5]);
        Assert.Equal("'@promo", bonus[7]);
        Assert.Equal("0.01", bonus[3]);
    }

    [Theory]
    [InlineData("type=bogus")]
    [InlineData("type=topup,,bonus")]
    [InlineData("type=")]
    [InlineData("type=TOPUP")]
    [InlineData("from=2026-13-01")]
    [InlineData("from=20260301")]
    [InlineData("from=2026-3-1")]
    [InlineData("to=yesterday")]
    [InlineData("to=9999-12-31")]
    [InlineData("from=2026-03-05&to=2026-03-04")]
    [InlineData("format=xml")]
    [InlineData("format=csv&type=nope")]
    [InlineData("format=csv&limit=0")]
    public async Task Transactions_BadFilters_Are400ProblemJson(string query)
    {
        using var client = app.Client(app.CustomerApiKey);
        var response = await client.GetAsync($"/billing/transactions?{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("invalid_request", problem.RootElement.GetProperty("code").GetString());
    }
}
