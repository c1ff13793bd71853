using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Api;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Api;

/// <summary>POST /v1/meter/keys:verify and reserving by the customer's secret, over real HTTP.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class MeteringKeysApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private HttpClient Gateway() => app.Client(app.MeteringToken);

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    private static Task<HttpResponseMessage> VerifyAsync(HttpClient client, string secret) =>
        client.PostAsJsonAsync("/v1/meter/keys:verify", new { key = secret }, Ct);

    private ApiKeyService Keys => app.Services.GetRequiredService<ApiKeyService>();

    [Fact]
    public async Task Verify_ActiveInferenceKey_DescribesItAndMayBeCachedBriefly()
    {
        var (account, _, _) = await app.CreateCustomerAsync(Money.FromDollars(5));
        var created = (await Keys.CreateAsync(account, "gateway key", Money.FromDollars(20), [ApiKeyScopes.Inference], null, Ct)).Value!;
        using var gateway = Gateway();
        var reserved = await gateway.PostAsJsonAsync("/v1/meter/reservations", new
        {
            idempotency_key = Guid.NewGuid().ToString("N"), api_key = created.Secret, model = "gpt-4o-mini", max_input_tokens = 1_000, max_output_tokens = 100,
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, reserved.StatusCode);
        var held = (await JsonAsync(reserved)).GetProperty("held").GetDecimal();

        var response = await VerifyAsync(gateway, created.Secret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cache = response.Headers.CacheControl!;
        Assert.True(cache.Private);
        Assert.Equal(TimeSpan.FromSeconds(MeteringKeysApi.CacheSeconds), cache.MaxAge);
        var body = await JsonAsync(response);
        Assert.Equal(created.Key.Id, body.GetProperty("api_key_id").GetInt64());
        Assert.Equal(account, body.GetProperty("account_id").GetInt64());
        Assert.Equal("gateway key", body.GetProperty("name").GetString());
        Assert.Equal([ApiKeyScopes.Inference], body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("active", body.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("expires_at").ValueKind);
        Assert.Equal(20m, body.GetProperty("monthly_spend_limit").GetDecimal());
        // The open hold counts against the key's month, as the write path counts it.
        Assert.Equal(held, body.GetProperty("spend_committed").GetDecimal());
    }

    [Fact]
    public async Task Verify_UnknownRevokedExpiredOrOutOfScope_AllTheSameNotFoundNeverCached()
    {
        var (account, revokedId, revokedSecret) = await app.CreateCustomerAsync(Money.FromDollars(5));
        Assert.True(await Keys.RevokeAsync(account, revokedId, Ct));
        var expired = (await Keys.CreateAsync(account, "expired", null, [ApiKeyScopes.Inference], DateTime.UtcNow.AddSeconds(1), Ct)).Value!;
        await using (var db = await app.DbFactory.CreateDbContextAsync(Ct))
            await db.ApiKeys.Where(k => k.Id == expired.Key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, DateTime.UtcNow.AddDays(-1)), Ct);
        var readOnly = (await Keys.CreateAsync(account, "reader", null, [ApiKeyScopes.BillingRead], null, Ct)).Value!;
        using var gateway = Gateway();

        var answers = new List<string>();
        foreach (var secret in new[] { "bc_never_issued_0000000000", revokedSecret, expired.Secret, readOnly.Secret })
        {
            var response = await VerifyAsync(gateway, secret);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(response.Headers.CacheControl?.NoStore);
            var problem = await JsonAsync(response);
            answers.Add($"{problem.GetProperty("code").GetString()}|{problem.GetProperty("detail").GetString()}");
        }
        Assert.Single(answers.Distinct());
        Assert.StartsWith("not_found|", answers[0], StringComparison.Ordinal);

        // Reserving by a secret follows the same check and writes nothing.
        var refused = await gateway.PostAsJsonAsync("/v1/meter/reservations", new
        {
            idempotency_key = Guid.NewGuid().ToString("N"), api_key = readOnly.Secret, model = "gpt-4o-mini", max_input_tokens = 10, max_output_tokens = 10,
        }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        await using var check = await app.DbFactory.CreateDbContextAsync(Ct);
        Assert.Equal(0, await check.Reservations.CountAsync(r => r.AccountId == account, Ct));
    }

    [Fact]
    public async Task Verify_BadInputOrCustomerCredential_IsRefused()
    {
        var (account, keyId, secret) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var gateway = Gateway();

        var missing = await gateway.PostAsJsonAsync("/v1/meter/keys:verify", new { }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("invalid_request", (await JsonAsync(missing)).GetProperty("code").GetString());
        var both = await gateway.PostAsJsonAsync("/v1/meter/reservations", new
        {
            idempotency_key = "both", api_key_id = keyId, api_key = secret, model = "gpt-4o-mini", max_input_tokens = 10, max_output_tokens = 10,
        }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);

        // A customer's own key is not a gateway credential.
        using var customer = app.Client(secret);
        Assert.Equal(HttpStatusCode.Forbidden, (await VerifyAsync(customer, secret)).StatusCode);
        await using var check = await app.DbFactory.CreateDbContextAsync(Ct);
        Assert.Equal(0, await check.Reservations.CountAsync(r => r.AccountId == account, Ct));
    }
}
