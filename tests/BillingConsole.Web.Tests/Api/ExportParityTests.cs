using System.Net;
using System.Text.Json;
using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Api;

/// <summary>The transactions and requests downloads go through the one keyset export writer and behave alike over real
/// HTTP: an attachment, CSV header first in the JSON field order, every matching row across the 1,000-row pages,
/// <c>limit</c> capping both formats, and text cells escaped the same way.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class ExportParityTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public static TheoryData<string> Lists => ["/billing/transactions", "/billing/requests"];

    private static async Task<(HttpResponseMessage Response, string Body)> DownloadAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        return (response, body);
    }

    private async Task<List<long>> ExpectedIdsAsync(string list, long accountId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        return list == "/billing/transactions"
            ? await db.LedgerEntries.Where(e => e.AccountId == accountId).OrderByDescending(e => e.Id).Select(e => e.Id).ToListAsync(Ct)
            : await db.RequestRecords.Where(r => r.AccountId == accountId).OrderByDescending(r => r.Id).Select(r => r.Id).ToListAsync(Ct);
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task Export_JsonAndCsv_EveryRowAcrossPages_HeaderFirst(string list)
    {
        using var client = app.Client(app.CustomerApiKey);
        var expected = await ExpectedIdsAsync(list, await app.DemoAccountIdAsync());
        Assert.True(expected.Count > 1000, $"{list}: the demo account needs more than one export page, has {expected.Count} rows");

        var (jsonResponse, jsonBody) = await DownloadAsync(client, $"{list}?download=true");
        var (csvResponse, csvBody) = await DownloadAsync(client, $"{list}?format=csv");
        var (_, csvDownloadBody) = await DownloadAsync(client, $"{list}?format=csv&download=true");

        Assert.Equal("application/json", jsonResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".json", CsvReading.FileName(jsonResponse));
        Assert.EndsWith(".csv", CsvReading.FileName(csvResponse));
        using var json = JsonDocument.Parse(jsonBody);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(expected, rows.Select(r => r.GetProperty("id").GetInt64()));
        var table = CsvReading.Parse(csvBody);
        Assert.Equal(rows[0].EnumerateObject().Select(p => p.Name), table[0]);
        Assert.Equal(expected.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)), table.Skip(1).Select(r => r[0]));
        Assert.Equal(csvBody, csvDownloadBody);
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task Export_LimitAndBefore_CapAndStartBothFormatsAlike(string list)
    {
        using var client = app.Client(app.CustomerApiKey);
        var expected = await ExpectedIdsAsync(list, await app.DemoAccountIdAsync());

        var (_, jsonBody) = await DownloadAsync(client, $"{list}?download=true&limit=5&before={expected[2]}");
        var (_, csvBody) = await DownloadAsync(client, $"{list}?format=csv&limit=5&before={expected[2]}");
        var (_, emptyCsv) = await DownloadAsync(client, $"{list}?format=csv&from=2001-01-01&to=2001-01-31");
        var (_, emptyJson) = await DownloadAsync(client, $"{list}?download=true&from=2001-01-01&to=2001-01-31");

        using var json = JsonDocument.Parse(jsonBody);
        Assert.Equal(expected.Skip(3).Take(5), json.RootElement.EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
        var table = CsvReading.Parse(csvBody);
        Assert.Equal(expected.Skip(3).Take(5).Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)), table.Skip(1).Select(r => r[0]));
        Assert.Single(CsvReading.Parse(emptyCsv));
        Assert.Equal(table[0], CsvReading.Parse(emptyCsv)[0]);
        Assert.Equal("[]", emptyJson.Trim());
    }

    [Fact]
    public async Task Export_TextCells_EscapedTheSameWayInBothLists()
    {
        const string Hostile = "=HYPERLINK(\"http://example.test\"),\"quoted\"\r\nnext line";
        var (accountId, keyId, secret) = await app.CreateCustomerAsync(Money.FromDollars(10));
        var posted = await app.Ledger.PostAsync(new PostRequest(accountId, EntryTypes.Topup, Money.FromDollars(1), Hostile, new Origin(EntrySources.Console, "tests")), Ct);
        Assert.True(posted.Succeeded, posted.Failure?.Message);
        var meter = app.Services.GetRequiredService<MeteringService>();
        var hold = await meter.ReserveAsync(new MeterReserveCommand(Guid.NewGuid().ToString("N"), keyId, "gpt-4o-mini", 100, 100), Ct);
        var settled = await meter.SettleAsync(new MeterSettleCommand(hold.Value!.ReservationId, new TokenCounts(10, 10, 0), RequestStatus.Success,
            null, 100, 50, false, null, "192.0.2.1", Hostile), Ct);
        Assert.True(settled.Succeeded, settled.Failure?.Message);
        using var client = app.Client(secret);

        var (_, transactions) = await DownloadAsync(client, "/billing/transactions?format=csv");
        var (_, requests) = await DownloadAsync(client, "/billing/requests?format=csv");

        // Quoted (comma, quote, line break), quotes doubled, and a leading ' so a spreadsheet shows the formula as text.
        const string Escaped = "\"'=HYPERLINK(\"\"http://example.test\"\"),\"\"quoted\"\"\r\nnext line\"";
        Assert.Contains(Escaped, transactions);
        Assert.Contains(Escaped, requests);
        var description = CsvReading.Parse(transactions)[0].ToList().IndexOf("description");
        var userAgent = CsvReading.Parse(requests)[0].ToList().IndexOf("user_agent");
        Assert.Contains(CsvReading.Parse(transactions).Skip(1), r => r[description] == "'" + Hostile);
        Assert.Equal("'" + Hostile, Assert.Single(CsvReading.Parse(requests).Skip(1))[userAgent]);
    }
}
