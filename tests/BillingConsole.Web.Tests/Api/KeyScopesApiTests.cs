using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

using static BillingConsole.Web.Tests.Api.ApiResponses;

namespace BillingConsole.Web.Tests.Api;

/// <summary>Scopes and expiry of customer keys over real HTTP: what a key may do, what it may grant, and when it stops.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class KeyScopesApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static List<string> Scopes(JsonElement key) => key.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).ToList();

    /// <summary>A fresh account's key holding <paramref name="scopes"/>, made through the API by the account's all-scope key.</summary>
    private async Task<(HttpClient Client, long KeyId)> KeyWithAsync(params string[] scopes)
    {
        var (_, _, secret) = await app.CreateCustomerAsync(Money.FromDollars(1));
        using var admin = app.Client(secret);
        var created = await JsonAsync(await admin.PostAsJsonAsync("/v1/keys", new { name = "scoped", scopes }, Ct));
        return (app.Client(created.GetProperty("secret").GetString()!), created.GetProperty("id").GetInt64());
    }

    private async Task<int> KeyCountAsync(HttpClient client) => (await JsonAsync(await client.GetAsync("/v1/keys", Ct))).GetArrayLength();

    [Fact]
    public async Task Create_NoScopesGiven_GetsInferenceAndBillingReadAndCannotManageKeys()
    {
        var (_, _, secret) = await app.CreateCustomerAsync(Money.FromDollars(1));
        using var owner = app.Client(secret);

        var created = await owner.PostAsJsonAsync("/v1/keys", new { name = "gateway app" }, Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = await JsonAsync(created);
        Assert.Equal([ApiKeyScopes.Inference, ApiKeyScopes.BillingRead], Scopes(key));
        Assert.Equal(JsonValueKind.Null, key.GetProperty("expires_at").ValueKind);
        using var appKey = app.Client(key.GetProperty("secret").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await appKey.GetAsync("/billing/balance", Ct)).StatusCode);
        await AssertProblemAsync(await appKey.PostAsJsonAsync("/v1/keys", new { name = "escalate" }, Ct), HttpStatusCode.Forbidden, "insufficient_scope");
        var id = key.GetProperty("id").GetInt64();
        await AssertProblemAsync(await appKey.DeleteAsync($"/v1/keys/{id}", Ct), HttpStatusCode.Forbidden, "insufficient_scope");
        Assert.Equal(HttpStatusCode.OK, (await appKey.GetAsync("/billing/balance", Ct)).StatusCode);
    }

    [Fact]
    public async Task Create_ChosenScopesAndExpiry_AreStoredAndReturned()
    {
        var (_, _, secret) = await app.CreateCustomerAsync(Money.FromDollars(1));
        using var owner = app.Client(secret);
        var expires = DateTime.UtcNow.Date.AddDays(30);

        var created = await owner.PostAsJsonAsync("/v1/keys",
            new { name = "key admin", scopes = new[] { "keys:write", "billing:read", "keys:write" }, expires_at = expires.ToString("yyyy-MM-dd") }, Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = await JsonAsync(created);
        Assert.Equal([ApiKeyScopes.BillingRead, ApiKeyScopes.KeysWrite], Scopes(key));
        Assert.Equal(expires, key.GetProperty("expires_at").GetDateTime().ToUniversalTime());
        var listed = (await JsonAsync(await owner.GetAsync("/v1/keys", Ct))).EnumerateArray().Single(k => k.GetProperty("id").GetInt64() == key.GetProperty("id").GetInt64());
        Assert.Equal([ApiKeyScopes.BillingRead, ApiKeyScopes.KeysWrite], Scopes(listed));
        Assert.Equal(expires, listed.GetProperty("expires_at").GetDateTime().ToUniversalTime());
    }

    [Fact]
    public async Task Create_KeyGrantingAScopeItLacks_Is403InsufficientScopeAndWritesNothing()
    {
        var (client, _) = await KeyWithAsync(ApiKeyScopes.BillingRead, ApiKeyScopes.KeysWrite);
        var before = await KeyCountAsync(client);

        var widened = await client.PostAsJsonAsync("/v1/keys", new { name = "wider", scopes = new[] { "inference" } }, Ct);
        var byDefault = await client.PostAsJsonAsync("/v1/keys", new { name = "default" }, Ct);
        var narrower = await client.PostAsJsonAsync("/v1/keys", new { name = "narrower", scopes = new[] { "billing:read" } }, Ct);

        await AssertProblemAsync(widened, HttpStatusCode.Forbidden, "insufficient_scope");
        await AssertProblemAsync(byDefault, HttpStatusCode.Forbidden, "insufficient_scope");
        Assert.Equal(HttpStatusCode.Created, narrower.StatusCode);
        Assert.Equal(before + 1, await KeyCountAsync(client));
    }

    [Fact]
    public async Task Endpoints_OutsideTheKeysScopes_Are403InsufficientScope()
    {
        var (inferenceOnly, _) = await KeyWithAsync(ApiKeyScopes.Inference);

        var balance = await inferenceOnly.GetAsync("/billing/balance", Ct);

        await AssertProblemAsync(balance, HttpStatusCode.Forbidden, "insufficient_scope");
        Assert.Contains("billing:read", balance.Headers.WwwAuthenticate.ToString());
        await AssertProblemAsync(await inferenceOnly.GetAsync("/billing/transactions", Ct), HttpStatusCode.Forbidden, "insufficient_scope");
        await AssertProblemAsync(await inferenceOnly.GetAsync("/v1/keys", Ct), HttpStatusCode.Forbidden, "insufficient_scope");
    }

    [Fact]
    public async Task Authenticate_KeyPastItsExpiry_Is401LikeARevokedKey()
    {
        var (client, keyId) = await KeyWithAsync(ApiKeyScopes.BillingRead);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/billing/balance", Ct)).StatusCode);

        // The expiry passes: the console's clock is real, so move the stored expiry a second into the past.
        await using (var db = await app.DbFactory.CreateDbContextAsync(Ct))
            await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, DateTime.UtcNow.AddSeconds(-1)), Ct);

        await AssertProblemAsync(await client.GetAsync("/billing/balance", Ct), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblemAsync(await client.GetAsync("/v1/keys", Ct), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("""{"name":"x","scopes":[]}""")]
    [InlineData("""{"name":"x","scopes":["admin"]}""")]
    [InlineData("""{"name":"x","scopes":"inference"}""")]
    [InlineData("""{"name":"x","expires_at":"2020-01-01T00:00:00Z"}""")]
    [InlineData("""{"name":"x","expires_at":"next week"}""")]
    public async Task Create_BadScopesOrExpiry_Is400AndWritesNothing(string json)
    {
        var (_, _, secret) = await app.CreateCustomerAsync(Money.Zero);
        using var client = app.Client(secret);
        var before = await KeyCountAsync(client);

        var response = await client.PostAsync("/v1/keys", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(before, await KeyCountAsync(client));
    }
}
