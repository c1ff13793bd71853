using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Accounting.Statements;
using BillingConsole.Accounting.Usage;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Api;

/// <summary>The API additions behind the console's links: the audit trail of one call (<c>reservation_id</c>), the
/// whole filtered audit trail as one download (<c>download=true</c>, JSON or CSV, past the 1,000-row page limit), and
/// the statement as CSV (<c>/billing/invoice?format=csv</c>).</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class ConsoleExportApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static readonly string[] RequestFields =
    [
        "id", "reservation_id", "created_at", "started_at", "model", "provider", "status", "error_code", "input_tokens", "output_tokens",
        "cached_tokens", "cost", "market_cost", "latency_ms", "ttfb_ms", "streaming", "api_key_id", "client_ip", "user_agent", "tags",
        "key_name", "http_status",
    ];

    /// <summary>A fresh account with its own key and <paramref name="calls"/> settled calls (every fifth a failure), oldest first.</summary>
    private async Task<(long AccountId, long KeyId, string Secret, List<long> Reservations)> CustomerWithCallsAsync(int calls)
    {
        var (accountId, keyId, secret) = await app.CreateCustomerAsync(Money.FromDollars(1_000));
        var meter = app.Services.GetRequiredService<MeteringService>();
        var reservations = new List<long>();
        for (var i = 0; i < calls; i++)
        {
            var model = i % 2 == 0 ? "gpt-4o-mini" : "claude-haiku-4-5";
            var hold = await meter.ReserveAsync(new MeterReserveCommand(Guid.NewGuid().ToString("N"), keyId, model, 2_000, 500, ["export"]), Ct);
            Assert.True(hold.Succeeded, hold.Failure?.Message);
            var status = i % 5 == 4 ? RequestStatus.Error : RequestStatus.Success;
            var settled = await meter.SettleAsync(new MeterSettleCommand(hold.Value!.ReservationId, new TokenCounts(1_000 + i, status == RequestStatus.Error ? 0 : 100, 0),
                status, status == RequestStatus.Error ? "upstream_503" : null, 900, 200, false, null, "192.0.2.10", "export-test"), Ct);
            Assert.True(settled.Succeeded, settled.Failure?.Message);
            reservations.Add(hold.Value.ReservationId);
        }
        return (accountId, keyId, secret, reservations);
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return json.RootElement.Clone();
    }

    private static async Task AssertInvalidAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("invalid_request", problem.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ReservationId_SelectsThatOneCall_OfTheCallersAccountOnly()
    {
        var (_, keyId, secret, reservations) = await CustomerWithCallsAsync(4);
        var stranger = await app.CreateCustomerAsync(Money.FromDollars(1));
        using var client = app.Client(secret);
        using var strangerClient = app.Client(stranger.Secret);

        var one = await GetJsonAsync(client, $"/billing/requests?reservation_id={reservations[2]}");
        var combined = await GetJsonAsync(client, $"/billing/requests?reservation_id={reservations[2]}&key_id={keyId}&status=error");
        var theirs = await GetJsonAsync(strangerClient, $"/billing/requests?reservation_id={reservations[2]}");

        var row = Assert.Single(one.EnumerateArray());
        Assert.Equal(reservations[2], row.GetProperty("reservation_id").GetInt64());
        Assert.Equal(RequestFields, row.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, combined.GetArrayLength());
        Assert.Equal(0, theirs.GetArrayLength());
        var csv = await client.GetStringAsync($"/billing/requests?reservation_id={reservations[0]}&format=csv", Ct);
        Assert.Equal(2, CsvReading.Parse(csv).Count);

        await AssertInvalidAsync(client, "/billing/requests?reservation_id=0");
        await AssertInvalidAsync(client, "/billing/requests?reservation_id=abc");
        await AssertInvalidAsync(client, "/billing/requests?reservation_id=-3");
    }

    [Fact]
    public async Task Download_IsEveryMatchingRecord_AsAJsonAttachment_PastThePageLimit()
    {
        using var client = app.Client(app.CustomerApiKey);
        var accountId = await app.DemoAccountIdAsync();
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var expected = await db.RequestRecords.Where(r => r.AccountId == accountId).OrderByDescending(r => r.Id).Select(r => r.Id).ToListAsync(Ct);
        Assert.True(expected.Count > UsageQueries.MaxPageSize, $"the demo account needs more than {UsageQueries.MaxPageSize} records, has {expected.Count}");

        var response = await client.GetAsync("/billing/requests?format=json&download=true", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".json", CsvReading.FileName(response));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(expected, rows.Select(r => r.GetProperty("id").GetInt64()));
        Assert.All(rows, r => Assert.Equal(RequestFields, r.EnumerateObject().Select(p => p.Name)));

        // The same rows as the paged endpoint, field for field.
        var firstPage = await GetJsonAsync(client, "/billing/requests?limit=1000");
        for (var i = 0; i < firstPage.GetArrayLength(); i++)
            Assert.Equal(firstPage[i].GetRawText(), rows[i].GetRawText());
    }

    [Fact]
    public async Task Download_AppliesTheFilters_ACap_AndTheCursor_AndCsvIsTheSameRows()
    {
        var (_, keyId, secret, reservations) = await CustomerWithCallsAsync(12);
        using var client = app.Client(secret);

        var all = await GetJsonAsync(client, $"/billing/requests?key_id={keyId}&limit=1000");
        var export = await GetJsonAsync(client, $"/billing/requests?key_id={keyId}&download=true");
        var errors = await GetJsonAsync(client, $"/billing/requests?key_id={keyId}&status=error&download=true");
        var mini = await GetJsonAsync(client, $"/billing/requests?model=gpt-4o-mini&download=true");
        var capped = await GetJsonAsync(client, $"/billing/requests?download=true&limit=5");
        var older = await GetJsonAsync(client, $"/billing/requests?download=true&before={all[3].GetProperty("id").GetInt64()}");
        var one = await GetJsonAsync(client, $"/billing/requests?download=true&reservation_id={reservations[5]}");
        var none = await GetJsonAsync(client, "/billing/requests?download=true&from=2001-01-01&to=2001-01-31");

        Assert.Equal(12, all.GetArrayLength());
        Assert.Equal(all.GetRawText(), export.GetRawText());
        Assert.Equal(2, errors.GetArrayLength());
        Assert.All(errors.EnumerateArray(), r => Assert.Equal("error", r.GetProperty("status").GetString()));
        Assert.Equal(6, mini.GetArrayLength());
        Assert.Equal(Ids(all).Take(5), Ids(capped));
        Assert.Equal(Ids(all).Skip(4), Ids(older));
        Assert.Equal(reservations[5], Assert.Single(one.EnumerateArray()).GetProperty("reservation_id").GetInt64());
        Assert.Equal(0, none.GetArrayLength());

        var response = await client.GetAsync($"/billing/requests?key_id={keyId}&format=csv&download=true", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".csv", CsvReading.FileName(response));
        var table = CsvReading.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(RequestFields, table[0]);
        Assert.Equal(Ids(all).Select(id => id.ToString(CultureInfo.InvariantCulture)), table.Skip(1).Select(r => r[0]));
        var pagedCsv = await client.GetStringAsync($"/billing/requests?key_id={keyId}&format=csv&limit=1000", Ct);
        Assert.Equal(pagedCsv, await response.Content.ReadAsStringAsync(Ct));

        var emptyCsv = await client.GetStringAsync("/billing/requests?format=csv&download=true&from=2001-01-01&to=2001-01-31", Ct);
        Assert.Equal([RequestFields], CsvReading.Parse(emptyCsv));

        await AssertInvalidAsync(client, "/billing/requests?download=yes");
        await AssertInvalidAsync(client, "/billing/requests?download=");
        await AssertInvalidAsync(client, "/billing/requests?download=true&limit=1001");
    }

    [Fact]
    public async Task InvoiceCsv_HasTheStatementsFigures_AndTiesOut()
    {
        var (accountId, _, secret, _) = await CustomerWithCallsAsync(3);
        var month = BillingMonth.Of(DateTime.UtcNow).ToString();
        using var client = app.Client(secret);

        var json = await GetJsonAsync(client, $"/billing/invoice?month={month}");
        var response = await client.GetAsync($"/billing/invoice?month={month}&format=csv", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"statement-{accountId}-{month}.csv", CsvReading.FileName(response));
        var table = CsvReading.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(["month", "kind", "type", "description", "count", "amount"], table[0]);
        Assert.All(table.Skip(1), r => Assert.Equal(month, r[0]));
        decimal Figure(string kind) => decimal.Parse(table.Single(r => r[1] == kind)[5], CultureInfo.InvariantCulture);

        Assert.Equal(json.GetProperty("opening_balance").GetDecimal(), Figure("opening_balance"));
        Assert.Equal(json.GetProperty("closing_balance").GetDecimal(), Figure("closing_balance"));
        foreach (var field in new[] { "purchased", "fees", "credits_used", "refunds", "corrections", "grants" })
            Assert.Equal(json.GetProperty(field).GetDecimal(), Figure(field));
        var lines = table.Where(r => r[1] == "line").ToList();
        var expectedLines = json.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(expectedLines.Select(l => l.GetProperty("type").GetString()), lines.Select(l => l[2]));
        Assert.Equal(expectedLines.Select(l => l.GetProperty("count").GetInt64().ToString(CultureInfo.InvariantCulture)), lines.Select(l => l[4]));
        Assert.Equal(expectedLines.Select(l => l.GetProperty("amount").GetDecimal()), lines.Select(l => decimal.Parse(l[5], CultureInfo.InvariantCulture)));
        Assert.Contains(lines, l => l[2] == EntryTypes.Topup && l[3] == "Top-up");
        Assert.Equal(Figure("closing_balance"), Figure("opening_balance") + lines.Sum(l => decimal.Parse(l[5], CultureInfo.InvariantCulture)));

        // The ledger agrees.
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var balance = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Balance).SingleAsync(Ct);
        Assert.Equal(new Money(balance).ToDecimal(), Figure("closing_balance"));

        await AssertInvalidAsync(client, $"/billing/invoice?month={month}&format=xml");
        await AssertInvalidAsync(client, $"/billing/invoice?month={month}&format=");
        var unauthenticated = await app.Client().GetAsync($"/billing/invoice?month={month}&format=csv", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }

    private static IEnumerable<long> Ids(JsonElement rows) => rows.EnumerateArray().Select(r => r.GetProperty("id").GetInt64());
}
