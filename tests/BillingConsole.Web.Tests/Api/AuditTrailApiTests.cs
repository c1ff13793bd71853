using System.Net;
using System.Text.Json;
using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Web.Api;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Api;

/// <summary>What the audit trail says about a call beyond its figures (issue 16): the name of the key that made it, in
/// JSON and CSV and after the key is revoked, and the tag filter, on pages and exports, with bad tags refused.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class AuditTrailApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    /// <summary>A fresh account whose key is named <paramref name="keyName"/>, with one settled call per tag set, oldest first.</summary>
    private async Task<(long AccountId, long KeyId, string Secret, List<long> Reservations)> CustomerWithTaggedCallsAsync(string keyName,
        params string[][] tagSets)
    {
        var (accountId, keyId, secret) = await app.CreateCustomerAsync(Money.FromDollars(100));
        await using (var db = await app.DbFactory.CreateDbContextAsync(Ct))
            await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.Name, keyName), Ct);
        var meter = app.Services.GetRequiredService<MeteringService>();
        var reservations = new List<long>();
        foreach (var tags in tagSets)
        {
            var hold = await meter.ReserveAsync(new MeterReserveCommand(Guid.NewGuid().ToString("N"), keyId, "gpt-4o-mini", 2_000, 400, tags), Ct);
            Assert.True(hold.Succeeded, hold.Failure?.Message);
            var settled = await meter.SettleAsync(new MeterSettleCommand(hold.Value!.ReservationId, new TokenCounts(1_000, 200, 0)), Ct);
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

    private static async Task<List<string[]>> GetCsvAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        return CsvReading.Parse(await response.Content.ReadAsStringAsync(Ct));
    }

    private static List<long> ReservationIds(JsonElement rows) => rows.EnumerateArray().Select(r => r.GetProperty("reservation_id").GetInt64()).ToList();

    [Fact]
    public async Task Requests_KeyName_IsInJsonAndCsv_AndKeptAfterTheKeyIsRevoked()
    {
        var (accountId, keyId, _, reservations) = await CustomerWithTaggedCallsAsync("Search backend", ["prod"], []);
        var reader = await app.CreateApiKeyAsync(accountId);
        using var client = app.Client(reader);

        var revoke = await client.DeleteAsync($"/v1/keys/{keyId}", Ct);
        Assert.True(revoke.IsSuccessStatusCode, $"{(int)revoke.StatusCode} {await revoke.Content.ReadAsStringAsync(Ct)}");
        await using (var db = await app.DbFactory.CreateDbContextAsync(Ct))
            Assert.NotNull(await db.ApiKeys.Where(k => k.Id == keyId).Select(k => k.RevokedAt).SingleAsync(Ct));
        var json = await GetJsonAsync(client, "/billing/requests");
        var csv = await GetCsvAsync(client, "/billing/requests?format=csv");

        Assert.Equal(reservations.OrderDescending(), ReservationIds(json));
        Assert.All(json.EnumerateArray(), r => Assert.Equal("Search backend", r.GetProperty("key_name").GetString()));
        Assert.All(json.EnumerateArray(), r => Assert.Equal(keyId, r.GetProperty("api_key_id").GetInt64()));
        var column = Array.IndexOf(csv[0], "key_name");
        Assert.Equal(Array.IndexOf(csv[0], "tags") + 1, column); // appended after the existing columns
        Assert.Equal(["Search backend", "Search backend"], csv.Skip(1).Select(r => r[column]));
    }

    [Fact]
    public async Task Requests_Csv_KeyNameThatLooksLikeAFormula_IsGuarded()
    {
        const string name = "=HYPERLINK(\"http://evil.example\",\"x\")";
        var (_, _, secret, _) = await CustomerWithTaggedCallsAsync(name, ["prod"]);
        using var client = app.Client(secret);

        var json = await GetJsonAsync(client, "/billing/requests");
        var csv = await GetCsvAsync(client, "/billing/requests?format=csv");

        Assert.Equal(name, json[0].GetProperty("key_name").GetString());
        Assert.Equal("'" + name, csv[1][Array.IndexOf(csv[0], "key_name")]);
    }

    [Fact]
    public async Task Requests_RecordWithoutAKey_HasANullKeyNameAndAnEmptyCsvCell()
    {
        var (accountId, _, secret, reservations) = await CustomerWithTaggedCallsAsync("Main", ["prod"]);
        // Records from before keys were required carry no key; no path writes one today, so the row is put in directly.
        await using (var db = await app.DbFactory.CreateDbContextAsync(Ct))
        {
            var modelId = await db.CatalogModels.Where(m => m.Slug == "gpt-4o-mini").Select(m => m.Id).SingleAsync(Ct);
            var priceId = await db.RequestRecords.Where(r => r.AccountId == accountId).Select(r => r.PriceId).FirstAsync(Ct);
            var now = DateTime.UtcNow;
            db.RequestRecords.Add(new RequestRecord
            {
                AccountId = accountId, ReservationId = -reservations[0], ApiKeyId = null, ModelId = modelId, PriceId = priceId,
                Status = RequestStatus.Cancelled, StartedAt = now, CompletedAt = now,
            });
            await db.SaveChangesAsync(Ct);
        }
        using var client = app.Client(secret);

        var json = await GetJsonAsync(client, "/billing/requests");
        var csv = await GetCsvAsync(client, "/billing/requests?format=csv");

        var keyless = json.EnumerateArray().Single(r => r.GetProperty("api_key_id").ValueKind == JsonValueKind.Null);
        Assert.Equal(JsonValueKind.Null, keyless.GetProperty("key_name").ValueKind);
        Assert.Equal("Main", json.EnumerateArray().Single(r => r.GetProperty("api_key_id").ValueKind == JsonValueKind.Number).GetProperty("key_name").GetString());
        var (keyColumn, nameColumn) = (Array.IndexOf(csv[0], "api_key_id"), Array.IndexOf(csv[0], "key_name"));
        Assert.Equal(("", ""), csv.Skip(1).Where(r => r[keyColumn] == "").Select(r => (r[keyColumn], r[nameColumn])).Single());
    }

    [Fact]
    public async Task Requests_TagFilter_NarrowsPagesAndExports_ToCallsCarryingThatWholeTag()
    {
        var (_, _, secret, calls) = await CustomerWithTaggedCallsAsync("Main",
            ["prod"], ["prod", "team:search"], [], ["team:search"], ["production"], ["prod"], ["batch"]);
        using var client = app.Client(secret);
        var prod = new[] { calls[5], calls[1], calls[0] };

        var page1 = await GetJsonAsync(client, "/billing/requests?tag=prod&limit=2");
        var page2 = await GetJsonAsync(client, $"/billing/requests?tag=prod&limit=2&before={page1[1].GetProperty("id").GetInt64()}");
        var search = await GetJsonAsync(client, "/billing/requests?tag=team:search");
        var none = await GetJsonAsync(client, "/billing/requests?tag=pro");
        var export = await GetJsonAsync(client, "/billing/requests?tag=prod&download=true");
        var csv = await GetCsvAsync(client, "/billing/requests?tag=prod&format=csv");

        Assert.Equal(prod, ReservationIds(page1).Concat(ReservationIds(page2)));
        Assert.Equal([calls[3], calls[1]], ReservationIds(search));
        Assert.Equal(0, none.GetArrayLength());
        Assert.Equal(prod, ReservationIds(export));
        var reservationColumn = Array.IndexOf(csv[0], "reservation_id");
        Assert.Equal(prod.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)), csv.Skip(1).Select(r => r[reservationColumn]));
        Assert.All(csv.Skip(1), r => Assert.Contains("prod", r[Array.IndexOf(csv[0], "tags")].Split(',')));
    }

    [Theory]
    [InlineData("/billing/requests?tag=")]
    [InlineData("/billing/requests?tag=%20prod")]
    [InlineData("/billing/requests?tag=prod,batch")]
    [InlineData("/billing/requests?tag=two%20words")]
    [InlineData("/billing/requests?tag=%3Cscript%3E")]
    [InlineData("/billing/requests?tag=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("/billing/requests?tag=pro%25d&format=csv")]
    public async Task Requests_BadTag_Is400ProblemWithTheBindersMessage(string url)
    {
        using var client = app.Client(app.CustomerApiKey);

        var response = await client.GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("invalid_request", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal(ApiBinder.TagMessage("tag"), problem.RootElement.GetProperty("detail").GetString());
    }
}
