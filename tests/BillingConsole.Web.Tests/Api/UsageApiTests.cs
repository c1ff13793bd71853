using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Api;

/// <summary>The usage endpoints on the real host: shapes, agreement with the database, CSV, validation, isolation.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class UsageApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private const string InjectedAgent = "=HYPERLINK(\"http://evil.example\",\"x\")";

    private static readonly string[] SummaryFields = ["month", "total_cost", "api_calls", "total_tokens", "market_cost", "saved", "saved_pct"];

    private static readonly string[] UsageFields =
        ["date", "model", "provider", "type", "key_id", "tag", "calls", "input_tokens", "output_tokens", "cached_tokens", "tokens", "cost", "market_cost"];

    private static readonly string[] RequestFields =
    [
        "id", "reservation_id", "created_at", "started_at", "model", "provider", "status", "error_code", "input_tokens", "output_tokens",
        "cached_tokens", "cost", "market_cost", "latency_ms", "ttfb_ms", "streaming", "api_key_id", "client_ip", "user_agent", "tags",
        "key_name", "http_status",
    ];

    private static readonly string[] InvoiceFields =
    [
        "month", "opening_balance", "closing_balance", "purchased", "fees", "credits_used", "refunds", "corrections", "grants", "storage",
        "payment_refunds", "disputes", "dispute_reversals", "lines",
    ];

    private static string ThisMonth => DateTime.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static DateTime MonthStart => new(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Metered calls for an account through the app's own metering service, on a fresh key of that account:
    /// a success with tags, a failed free call, a released hold and one with a user agent and tag that look like formulas.</summary>
    private async Task<(long AccountId, long KeyId, string Secret, List<long> Reservations)> MeterCallsAsync(string accountName)
    {
        var (accountId, secret) = await app.CreateApiKeyAsync(accountName);
        await using (var db = await app.DbFactory.CreateDbContextAsync(Ct))
        {
            var hash = ApiKey.Hash(secret);
            var keyId = await db.ApiKeys.Where(k => k.SecretHash == hash).Select(k => k.Id).SingleAsync(Ct);
            var meter = app.Services.GetRequiredService<MeteringService>();
            var reservations = new List<long>();
            async Task<long> Call(string model, long input, long output, string status, IReadOnlyList<string> tags, string agent)
            {
                var hold = await meter.ReserveAsync(new MeterReserveCommand(Guid.NewGuid().ToString("N"), keyId, model, input * 2, output * 2, tags), Ct);
                Assert.True(hold.Succeeded, hold.Failure?.Message);
                var settled = await meter.SettleAsync(new MeterSettleCommand(hold.Value!.ReservationId, new TokenCounts(input, output, input / 4), status,
                    status == RequestStatus.Error ? "upstream_timeout" : null, 1200, 300, true, null, "203.0.113.9", agent), Ct);
                Assert.True(settled.Succeeded, settled.Failure?.Message);
                reservations.Add(hold.Value.ReservationId);
                return hold.Value.ReservationId;
            }
            await Call("gpt-4o", 12_000, 800, RequestStatus.Success, ["prod", "team:search"], "sdk/2.1");
            await Call("claude-sonnet-4-5", 30_000, 2_000, RequestStatus.Success, ["prod"], "sdk/2.1");
            await Call("gpt-4o-mini", 5_000, 0, RequestStatus.Error, [], "sdk/2.1");
            await Call("gpt-4o-mini", 4_000, 300, RequestStatus.Success, ["-danger"], InjectedAgent);
            var released = await meter.ReserveAsync(new MeterReserveCommand(Guid.NewGuid().ToString("N"), keyId, "gpt-4o", 1_000, 1_000, ["batch"]), Ct);
            Assert.True((await meter.ReleaseAsync(released.Value!.ReservationId, "client went away", Ct)).Succeeded);
            reservations.Add(released.Value.ReservationId);
            return (accountId, keyId, secret, reservations);
        }
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return json.RootElement.Clone();
    }

    private static void AssertFields(JsonElement element, string[] fields) =>
        Assert.Equal(fields, element.EnumerateObject().Select(p => p.Name));

    private static decimal Usd(long units) => new Money(units).ToDecimal();

    [Fact]
    public async Task Summary_IsSnakeCase_AndAgreesWithTheDatabase()
    {
        var (accountId, _, secret, _) = await MeterCallsAsync("Acme Robotics");
        using var client = app.Client(secret);

        var summary = await GetJsonAsync(client, "/billing/summary");
        var explicitMonth = await GetJsonAsync(client, $"/billing/summary?month={ThisMonth}");

        AssertFields(summary, SummaryFields);
        Assert.Equal(summary.GetRawText(), explicitMonth.GetRawText());
        Assert.Equal(ThisMonth, summary.GetProperty("month").GetString());
        var (start, end) = (MonthStart, MonthStart.AddMonths(1));
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var records = db.RequestRecords.Where(r => r.AccountId == accountId && r.CompletedAt >= start && r.CompletedAt < end
                                                   && (r.Status == RequestStatus.Success || r.Status == RequestStatus.Error));
        string[] spendTypes = [EntryTypes.Reservation, EntryTypes.Settlement, EntryTypes.Release, EntryTypes.UsageDebit, EntryTypes.StorageBilling];
        var spent = await db.LedgerEntries.Where(e => e.AccountId == accountId && e.CreatedAt >= start && e.CreatedAt < end && spendTypes.Contains(e.Type))
            .SumAsync(e => e.Amount, Ct);
        var cost = await records.SumAsync(r => r.Cost, Ct);
        var market = await records.SumAsync(r => r.MarketCost, Ct);
        Assert.Equal(await records.LongCountAsync(Ct), summary.GetProperty("api_calls").GetInt64());
        Assert.Equal(await records.SumAsync(r => r.InputTokens + r.OutputTokens, Ct), summary.GetProperty("total_tokens").GetInt64());
        Assert.Equal(Usd(-spent), summary.GetProperty("total_cost").GetDecimal());
        Assert.Equal(Usd(market), summary.GetProperty("market_cost").GetDecimal());
        Assert.Equal(Usd(market - cost), summary.GetProperty("saved").GetDecimal());
        Assert.Equal(Math.Round((market - cost) * 100m / market, 2, MidpointRounding.AwayFromZero), summary.GetProperty("saved_pct").GetDecimal());
    }

    [Fact]
    public async Task Usage_RowsHaveEveryField_TheUngroupedOnesNull_AndAddUpToTheRecords()
    {
        var (accountId, keyId, secret, _) = await MeterCallsAsync("Acme Robotics");
        using var client = app.Client(secret);
        var today = DateTime.UtcNow.Date;

        var byDayModel = await GetJsonAsync(client, "/billing/usage");
        var byKey = await GetJsonAsync(client, $"/billing/usage?from={today.AddDays(-29):yyyy-MM-dd}&to={today:yyyy-MM-dd}&group_by=key");
        var byTag = await GetJsonAsync(client, $"/billing/usage?from={today:yyyy-MM-dd}&to={today:yyyy-MM-dd}&group_by=tag,key");

        Assert.NotEmpty(byDayModel.EnumerateArray());
        foreach (var row in byDayModel.EnumerateArray())
        {
            AssertFields(row, UsageFields);
            Assert.NotNull(row.GetProperty("date").GetString());
            Assert.NotNull(row.GetProperty("model").GetString());
            foreach (var field in new[] { "provider", "type", "key_id", "tag" })
                Assert.Equal(JsonValueKind.Null, row.GetProperty(field).ValueKind);
            Assert.Equal(row.GetProperty("input_tokens").GetInt64() + row.GetProperty("output_tokens").GetInt64(), row.GetProperty("tokens").GetInt64());
        }
        var dates = byDayModel.EnumerateArray().Select(r => r.GetProperty("date").GetString()!).ToList();
        Assert.Equal(dates.Order(StringComparer.Ordinal), dates);
        Assert.Equal(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), dates[^1]);

        var from = today.AddDays(-29);
        var to = today.AddDays(1);
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var settled = db.RequestRecords.Where(r => r.AccountId == accountId && r.CompletedAt >= from && r.CompletedAt < to
                                                   && (r.Status == RequestStatus.Success || r.Status == RequestStatus.Error));
        var calls = await settled.LongCountAsync(Ct);
        Assert.Equal(calls, byDayModel.EnumerateArray().Sum(r => r.GetProperty("calls").GetInt64()));
        Assert.Equal(calls, byKey.EnumerateArray().Sum(r => r.GetProperty("calls").GetInt64()));
        Assert.Equal(Usd(await settled.SumAsync(r => r.Cost, Ct)), byKey.EnumerateArray().Sum(r => r.GetProperty("cost").GetDecimal()));
        var mine = byKey.EnumerateArray().Single(r => r.GetProperty("key_id").ValueKind == JsonValueKind.Number && r.GetProperty("key_id").GetInt64() == keyId);
        Assert.Equal(4, mine.GetProperty("calls").GetInt64());
        Assert.Equal(JsonValueKind.Null, mine.GetProperty("date").ValueKind);

        var myTags = byTag.EnumerateArray().Where(r => r.GetProperty("key_id").ValueKind == JsonValueKind.Number && r.GetProperty("key_id").GetInt64() == keyId)
            .ToDictionary(r => r.GetProperty("tag").GetString() ?? "(none)", r => r.GetProperty("calls").GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["prod"] = 2, ["team:search"] = 1, ["-danger"] = 1, ["(none)"] = 1 }, myTags);
    }

    [Fact]
    public async Task Requests_JsonRows_HaveTheAuditFields_AndPageBackwards()
    {
        var (accountId, keyId, secret, reservations) = await MeterCallsAsync("Acme Robotics");
        using var client = app.Client(secret);

        var mine = await GetJsonAsync(client, $"/billing/requests?key_id={keyId}&limit=2");
        var rest = await GetJsonAsync(client, $"/billing/requests?key_id={keyId}&limit=1000&before={mine[1].GetProperty("id").GetInt64()}");

        var rows = mine.EnumerateArray().Concat(rest.EnumerateArray()).ToList();
        Assert.Equal(5, rows.Count);
        foreach (var row in rows)
            AssertFields(row, RequestFields);
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var expected = await db.RequestRecords.Where(r => r.AccountId == accountId && r.ApiKeyId == keyId).OrderByDescending(r => r.Id).ToListAsync(Ct);
        Assert.Equal(expected.Select(r => r.Id), rows.Select(r => r.GetProperty("id").GetInt64()));
        Assert.Equal(reservations.OrderDescending(), rows.Select(r => r.GetProperty("reservation_id").GetInt64()));
        var first = rows.Single(r => r.GetProperty("reservation_id").GetInt64() == reservations[0]);
        Assert.Equal(("gpt-4o", "openai", "success", 12_000L, 800L, 3_000L), (first.GetProperty("model").GetString(), first.GetProperty("provider").GetString(),
            first.GetProperty("status").GetString(), first.GetProperty("input_tokens").GetInt64(), first.GetProperty("output_tokens").GetInt64(),
            first.GetProperty("cached_tokens").GetInt64()));
        Assert.Equal(["prod", "team:search"], first.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(Usd(expected.Single(r => r.ReservationId == reservations[0]).Cost), first.GetProperty("cost").GetDecimal());
        Assert.True(first.GetProperty("streaming").GetBoolean());
        Assert.Equal(keyId, first.GetProperty("api_key_id").GetInt64());
        Assert.Equal("cancelled", rows[0].GetProperty("status").GetString());
        Assert.Equal(["batch"], rows[0].GetProperty("tags").EnumerateArray().Select(t => t.GetString()));

        var errors = await GetJsonAsync(client, $"/billing/requests?key_id={keyId}&status=error&model=GPT-4O-MINI");
        var error = Assert.Single(errors.EnumerateArray());
        Assert.Equal(("upstream_timeout", 0m), (error.GetProperty("error_code").GetString(), error.GetProperty("cost").GetDecimal()));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(5, (await GetJsonAsync(client, $"/billing/requests?key_id={keyId}&from={today}&to={today}")).GetArrayLength());
    }

    [Fact]
    public async Task Requests_Csv_IsTheJsonRows_QuotedAndSafeForSpreadsheets()
    {
        var (_, keyId, secret, _) = await MeterCallsAsync("Acme Robotics");
        using var client = app.Client(secret);

        var json = await GetJsonAsync(client, $"/billing/requests?key_id={keyId}");
        var response = await client.GetAsync($"/billing/requests?key_id={keyId}&format=csv", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".csv", CsvReading.FileName(response));
        var text = await response.Content.ReadAsStringAsync(Ct);
        var table = CsvReading.Parse(text);
        Assert.Equal(RequestFields, table[0]);
        Assert.Equal(json.GetArrayLength(), table.Count - 1);
        for (var i = 0; i < json.GetArrayLength(); i++)
        {
            var row = json[i];
            var cells = table[i + 1];
            for (var c = 0; c < RequestFields.Length; c++)
                Assert.Equal(Expected(row.GetProperty(RequestFields[c])), Unguard(cells[c]));
        }

        // A cell that a spreadsheet would run as a formula starts with a quote; numbers (negative ones too) stay numbers.
        var injected = table.Single(r => r[18].Contains("HYPERLINK", StringComparison.Ordinal));
        Assert.Equal("'" + InjectedAgent, injected[18]);
        Assert.Equal("'-danger", injected[19]);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"", text);
        Assert.Contains("\"prod,team:search\"", text);
        Assert.All(table.Skip(1), r => Assert.Matches(@"^\d+(\.\d+)?$", r[11]));
        Assert.EndsWith("\r\n", text);
    }

    private static string Unguard(string cell) => cell.StartsWith('\'') ? cell[1..] : cell;

    private static string Expected(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Array => string.Join(',', value.EnumerateArray().Select(t => t.GetString())),
        JsonValueKind.Number => value.GetDecimal().ToString(CultureInfo.InvariantCulture),
        _ => value.GetString()!,
    };

    [Fact]
    public async Task Invoice_IsSnakeCase_TiesOut_AndRefusesTheFuture()
    {
        var (accountId, _, secret, _) = await MeterCallsAsync("Acme Robotics");
        using var client = app.Client(secret);

        var invoice = await GetJsonAsync(client, "/billing/invoice");
        var previous = await GetJsonAsync(client, $"/billing/invoice?month={MonthStart.AddMonths(-1):yyyy-MM}");

        AssertFields(invoice, InvoiceFields);
        Assert.Equal(ThisMonth, invoice.GetProperty("month").GetString());
        foreach (var statement in new[] { invoice, previous })
        {
            var lines = statement.GetProperty("lines").EnumerateArray().ToList();
            Assert.NotEmpty(lines);
            Assert.All(lines, l => AssertFields(l, ["type", "count", "amount"]));
            Assert.Equal(statement.GetProperty("closing_balance").GetDecimal(),
                statement.GetProperty("opening_balance").GetDecimal() + lines.Sum(l => l.GetProperty("amount").GetDecimal()));
            var order = EntryTypes.All.Select(t => t.Name).ToList();
            Assert.Equal(lines.Select(l => order.IndexOf(l.GetProperty("type").GetString()!)).Order(), lines.Select(l => order.IndexOf(l.GetProperty("type").GetString()!)));
        }
        Assert.Equal(previous.GetProperty("closing_balance").GetDecimal(), invoice.GetProperty("opening_balance").GetDecimal());

        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var (start, end) = (MonthStart, MonthStart.AddMonths(1));
        string[] used = [EntryTypes.Reservation, EntryTypes.Settlement, EntryTypes.Release, EntryTypes.UsageDebit];
        var net = await db.LedgerEntries.Where(e => e.AccountId == accountId && e.CreatedAt >= start && e.CreatedAt < end && used.Contains(e.Type))
            .SumAsync(e => e.Amount, Ct);
        Assert.Equal(Usd(-net), invoice.GetProperty("credits_used").GetDecimal());
        var balance = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Balance).SingleAsync(Ct);
        Assert.Equal(Usd(balance), invoice.GetProperty("closing_balance").GetDecimal());

        var future = await client.GetAsync($"/billing/invoice?month={MonthStart.AddMonths(1):yyyy-MM}", Ct);
        await AssertInvalidAsync(future);
    }

    [Fact]
    public async Task Invoice_MonthWithEveryEntryType_EachCategoryHasItsFieldAndTheyTieOut()
    {
        var (accountId, keyId, secret) = await app.CreateCustomerAsync(Money.FromDollars(60));
        var meter = app.Services.GetRequiredService<MeteringService>();
        var hold = await meter.ReserveAsync(new MeterReserveCommand(Guid.NewGuid().ToString("N"), keyId, "gpt-4o", 10_000, 1_000, []), Ct);
        Assert.True((await meter.SettleAsync(new MeterSettleCommand(hold.Value!.ReservationId, new TokenCounts(4_000, 300, 0), RequestStatus.Success,
            null, 500, 90, false, null, null, null), Ct)).Succeeded);
        var released = await meter.ReserveAsync(new MeterReserveCommand(Guid.NewGuid().ToString("N"), keyId, "gpt-4o", 1_000, 100, []), Ct);
        Assert.True((await meter.ReleaseAsync(released.Value!.ReservationId, "cancelled", Ct)).Succeeded);
        (string Type, long Cents)[] posts =
        [
            (EntryTypes.AutoRecharge, 2_500), (EntryTypes.PlatformFee, -80), (EntryTypes.Bonus, 500), (EntryTypes.ContractGrant, 4_000),
            (EntryTypes.BonusGrant, 400), (EntryTypes.UsageDebit, -135), (EntryTypes.StorageBilling, -42), (EntryTypes.Refund, 250),
            (EntryTypes.AdminCorrection, -75), (EntryTypes.PaymentRefund, -2_000), (EntryTypes.Dispute, -2_500), (EntryTypes.DisputeReversal, 2_500),
        ];
        foreach (var (type, cents) in posts)
            Assert.True((await app.Ledger.PostAsync(new PostRequest(accountId, type, Money.FromCents(cents), $"{type} for tests",
                new Origin(EntrySources.Admin, "tests")), Ct)).Succeeded, type);
        using var client = app.Client(secret);

        var invoice = await GetJsonAsync(client, $"/billing/invoice?month={ThisMonth}");

        AssertFields(invoice, InvoiceFields);
        Assert.Equal(EntryTypes.All.Select(t => t.Name), invoice.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("type").GetString()));
        decimal F(string field) => invoice.GetProperty(field).GetDecimal();
        Assert.Equal(F("closing_balance"), F("opening_balance") + F("purchased") - F("fees") - F("credits_used") + F("refunds") + F("corrections")
                                           + F("grants") + F("storage") + F("payment_refunds") + F("disputes") + F("dispute_reversals"));
        Assert.Equal((-0.42m, -20m, -25m, 25m), (F("storage"), F("payment_refunds"), F("disputes"), F("dispute_reversals")));
        Assert.Equal((85m, 0.80m, 2.50m, -0.75m, 49m), (F("purchased"), F("fees"), F("refunds"), F("corrections"), F("grants")));
        await using (var db = await app.DbFactory.CreateDbContextAsync(Ct))
        {
            string[] used = [EntryTypes.Reservation, EntryTypes.Settlement, EntryTypes.Release, EntryTypes.UsageDebit];
            var net = await db.LedgerEntries.Where(e => e.AccountId == accountId && used.Contains(e.Type)).SumAsync(e => e.Amount, Ct);
            Assert.Equal(Usd(-net), F("credits_used"));
            Assert.Equal(Usd(await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Balance).SingleAsync(Ct)), F("closing_balance"));
        }

        // The CSV carries the same ten figures under the same names.
        var table = CsvReading.Parse(await client.GetStringAsync($"/billing/invoice?month={ThisMonth}&format=csv", Ct));
        var figures = table.Skip(1).Where(r => r[1] is not ("line" or "opening_balance" or "closing_balance")).ToList();
        Assert.Equal(InvoiceFields[3..^1].Order(StringComparer.Ordinal), figures.Select(r => r[1]).Order(StringComparer.Ordinal));
        Assert.All(figures, r => Assert.Equal(F(r[1]), decimal.Parse(r[5], CultureInfo.InvariantCulture)));
        Assert.Contains(figures, r => r[1] == "disputes" && r[3].StartsWith("Disputes", StringComparison.Ordinal));
    }

    private static async Task AssertInvalidAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("invalid_request", problem.RootElement.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("/billing/summary?month=2026-13")]
    [InlineData("/billing/summary?month=2026-1")]
    [InlineData("/billing/summary?month=march")]
    [InlineData("/billing/summary?month=")]
    [InlineData("/billing/usage?from=2026-02-30")]
    [InlineData("/billing/usage?from=2026-03-01&to=2026-02-28")]
    [InlineData("/billing/usage?from=2025-01-01&to=2026-01-02")]
    [InlineData("/billing/usage?to=03/01/2026")]
    [InlineData("/billing/usage?group_by=day,week")]
    [InlineData("/billing/usage?group_by=")]
    [InlineData("/billing/usage?group_by=day,,model")]
    [InlineData("/billing/requests?limit=0")]
    [InlineData("/billing/requests?limit=1001")]
    [InlineData("/billing/requests?limit=ten")]
    [InlineData("/billing/requests?before=0")]
    [InlineData("/billing/requests?before=-4")]
    [InlineData("/billing/requests?before=x")]
    [InlineData("/billing/requests?format=xml")]
    [InlineData("/billing/requests?format=")]
    [InlineData("/billing/requests?from=2026-03-02&to=2026-03-01")]
    [InlineData("/billing/requests?from=yesterday")]
    [InlineData("/billing/requests?model=no-such-model")]
    [InlineData("/billing/requests?key_id=abc")]
    [InlineData("/billing/requests?status=ok")]
    [InlineData("/billing/invoice?month=2026")]
    [InlineData("/billing/invoice?month=9998-12")]
    public async Task BadParameters_Are400ProblemJson(string url)
    {
        using var client = app.Client(app.CustomerApiKey);
        await AssertInvalidAsync(await client.GetAsync(url, Ct));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("bc_not_a_real_key")]
    public async Task Usage_WithoutAValidKey_Is401ProblemJson(string? key)
    {
        using var client = app.Client(key);
        foreach (var path in new[] { "/billing/summary", "/billing/usage", "/billing/requests", "/billing/requests?format=csv", "/billing/invoice" })
        {
            var response = await client.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
            Assert.Equal("unauthorized", problem.RootElement.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task Usage_GlobexKey_SeesOnlyGlobex()
    {
        var acme = await MeterCallsAsync("Acme Robotics");
        var globex = await app.CreateApiKeyAsync("Globex Labs");
        using var client = app.Client(globex.Secret);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var requests = await GetJsonAsync(client, "/billing/requests?limit=1000");
        var filtered = await GetJsonAsync(client, $"/billing/requests?key_id={acme.KeyId}");
        var usage = await GetJsonAsync(client, $"/billing/usage?from={today}&to={today}&group_by=key,tag");
        var summary = await GetJsonAsync(client, "/billing/summary");
        var invoice = await GetJsonAsync(client, "/billing/invoice");

        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var own = await db.RequestRecords.Where(r => r.AccountId == globex.AccountId).OrderByDescending(r => r.Id).Take(1000).Select(r => r.Id).ToListAsync(Ct);
        Assert.Equal(own, requests.EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
        Assert.DoesNotContain(requests.EnumerateArray(), r => acme.Reservations.Contains(r.GetProperty("reservation_id").GetInt64()));
        Assert.Equal(0, filtered.GetArrayLength());
        Assert.DoesNotContain(usage.EnumerateArray(), r => r.GetProperty("key_id").ValueKind == JsonValueKind.Number && r.GetProperty("key_id").GetInt64() == acme.KeyId);
        Assert.DoesNotContain(usage.EnumerateArray(), r => r.GetProperty("tag").GetString() == "-danger");

        var (start, end) = (MonthStart, MonthStart.AddMonths(1));
        var globexCalls = await db.RequestRecords.LongCountAsync(r => r.AccountId == globex.AccountId && r.CompletedAt >= start && r.CompletedAt < end
                                                                      && (r.Status == RequestStatus.Success || r.Status == RequestStatus.Error), Ct);
        Assert.Equal(globexCalls, summary.GetProperty("api_calls").GetInt64());
        var balance = await db.Accounts.Where(a => a.Id == globex.AccountId).Select(a => a.Balance).SingleAsync(Ct);
        Assert.Equal(Usd(balance), invoice.GetProperty("closing_balance").GetDecimal());
        var acmeBalance = await db.Accounts.Where(a => a.Id == acme.AccountId).Select(a => a.Balance).SingleAsync(Ct);
        Assert.NotEqual(balance, acmeBalance);
    }
}
