using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Infrastructure;

namespace BillingConsole.Web.Tests.Api;

[Collection(ConsoleAppCollection.Name)]
public sealed class KeysApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    [Fact]
    public async Task Create_RetriedWithItsIdempotencyKey_Is409NamingTheKey_PerAccount()
    {
        var (_, _, secret) = await app.CreateCustomerAsync(Money.FromDollars(1));
        var (_, _, otherSecret) = await app.CreateCustomerAsync(Money.FromDollars(1));
        using var client = app.Client(secret);
        using var other = app.Client(otherSecret);
        var body = new { name = "Nightly job", idempotency_key = "nightly-job-key" };

        var created = await client.PostAsJsonAsync("/v1/keys", body, Ct);
        var retried = await client.PostAsJsonAsync("/v1/keys", body, Ct);
        var elsewhere = await other.PostAsJsonAsync("/v1/keys", body, Ct);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Conflict, HttpStatusCode.Created), (created.StatusCode, retried.StatusCode, elsewhere.StatusCode));
        var problem = await JsonAsync(retried);
        Assert.Equal(("key_already_created", (await JsonAsync(created)).GetProperty("id").GetInt64()),
            (problem.GetProperty("code").GetString(), problem.GetProperty("key_id").GetInt64()));
        Assert.Equal(1, (await JsonAsync(await client.GetAsync("/v1/keys", Ct))).EnumerateArray().Count(k => k.GetProperty("name").GetString() == "Nightly job"));
    }

    [Fact]
    public async Task CreateListRevoke_NewKey_SecretShownOnceAndStopsWorkingWhenRevoked()
    {
        var (_, _, secret) = await app.CreateCustomerAsync(Money.FromDollars(1));
        using var client = app.Client(secret);

        var created = await client.PostAsJsonAsync("/v1/keys", new { name = "CI pipeline", monthly_spend_limit = 12.5m }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = await JsonAsync(created);
        var newSecret = key.GetProperty("secret").GetString()!;
        Assert.StartsWith(key.GetProperty("prefix").GetString()!, newSecret);
        Assert.Equal(12.5m, key.GetProperty("monthly_spend_limit").GetDecimal());

        var list = await client.GetStringAsync("/v1/keys", Ct);
        Assert.DoesNotContain(newSecret, list);
        Assert.Contains("CI pipeline", list);

        using var withNewKey = app.Client(newSecret);
        Assert.Equal(HttpStatusCode.OK, (await withNewKey.GetAsync("/billing/balance", Ct)).StatusCode);
        var id = key.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/keys/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/keys/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await withNewKey.GetAsync("/billing/balance", Ct)).StatusCode);
    }

    [Fact]
    public async Task Keys_OfAnotherAccount_Are404()
    {
        var (_, otherKey, _) = await app.CreateCustomerAsync(Money.Zero);
        var (_, _, secret) = await app.CreateCustomerAsync(Money.Zero);
        using var client = app.Client(secret);

        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/v1/keys/{otherKey}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/keys/{otherKey}/usage", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PatchAsJsonAsync($"/v1/keys/{otherKey}", new { monthly_spend_limit = 1 }, Ct)).StatusCode);
    }

    [Theory]
    [InlineData("""{"name":""}""")]
    [InlineData("""{"name":"x","monthly_spend_limit":-1}""")]
    [InlineData("""{"name":"x","monthly_spend_limit":0.0000000001}""")]
    [InlineData("""{"name":"x","monthly_spend_limit":"ten"}""")]
    public async Task Create_BadInput_Is400(string json)
    {
        var (_, _, secret) = await app.CreateCustomerAsync(Money.Zero);
        using var client = app.Client(secret);
        var before = (await JsonAsync(await client.GetAsync("/v1/keys", Ct))).GetArrayLength();

        var response = await client.PostAsync("/v1/keys", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await JsonAsync(response)).GetProperty("code").GetString());
        Assert.Equal(before, (await JsonAsync(await client.GetAsync("/v1/keys", Ct))).GetArrayLength());
    }

    [Fact]
    public async Task Usage_CountsTheKeysSettledCalls_AndLimitCanBeChanged()
    {
        var (_, key, secret) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var gateway = app.Client(app.MeteringToken);
        for (var i = 0; i < 2; i++)
        {
            var hold = await JsonAsync(await gateway.PostAsJsonAsync("/v1/meter/reservations", new
            {
                idempotency_key = $"u{i}", api_key_id = key, model = "gpt-4.1-mini", max_input_tokens = 1000, max_output_tokens = 1000,
            }, Ct));
            var settled = await gateway.PostAsJsonAsync($"/v1/meter/reservations/{hold.GetProperty("reservation_id").GetInt64()}/settle",
                new { input_tokens = 500, output_tokens = 100 }, Ct);
            Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        }
        using var client = app.Client(secret);

        var usage = await JsonAsync(await client.GetAsync($"/v1/keys/{key}/usage", Ct));
        Assert.Equal((2, 1000L, 200L, 1200L), (usage.GetProperty("calls").GetInt32(), usage.GetProperty("input_tokens").GetInt64(),
            usage.GetProperty("output_tokens").GetInt64(), usage.GetProperty("tokens").GetInt64()));
        Assert.Equal(usage.GetProperty("cost").GetDecimal(), usage.GetProperty("committed_this_month").GetDecimal());

        var patched = await JsonAsync(await client.PatchAsJsonAsync($"/v1/keys/{key}", new { monthly_spend_limit = 3 }, Ct));
        Assert.Equal(3m, patched.GetProperty("monthly_spend_limit").GetDecimal());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/v1/keys/{key}/usage?from=2026-13-01", Ct)).StatusCode);
    }
}
