using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Identity;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Web.Tests.Api;

/// <summary>The provisioning API's team and key routes over real HTTP with the demo admin token: invitations (with
/// renewal on a replay), members (never the last owner), keys (the secret once), bad input that writes nothing, and
/// customer keys, sessions and the metering token refused.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class AdminTeamsApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private HttpClient Admin() => app.Client(app.AdminToken);

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? detail = null)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, json.GetProperty("code").GetString());
        if (detail is not null)
            Assert.Contains(detail, json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static string Email(string prefix) => $"{prefix}-{Guid.NewGuid():N}@example.test";

    private async Task<int> AuditRowsAsync(long accountId, string action)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        return await db.AdminAuditLog.CountAsync(e => e.AccountId == accountId && e.Action == action, Ct);
    }

    [Fact]
    public async Task Invite_Is201_ReplayRenewsTheSameInvitation_AndMembersListsIt()
    {
        var account = await app.CreateAccountAsync();
        var owner = await app.CreateUserAsync(Email("owner"), Roles.Customer, account);
        var email = Email("invitee");
        using var client = Admin();

        using var first = await client.PostAsJsonAsync($"/v1/admin/accounts/{account}/invitations", new { email = email.ToUpperInvariant(), role = "viewer" }, Ct);
        using var again = await client.PostAsJsonAsync($"/v1/admin/accounts/{account}/invitations", new { email, role = "developer" }, Ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var invitation = await JsonAsync(first);
        var id = invitation.GetProperty("id").GetInt64();
        Assert.Equal($"/v1/admin/accounts/{account}/invitations/{id}", first.Headers.Location?.OriginalString);
        Assert.Equal((email, "viewer", "admin-token:demo"), (invitation.GetProperty("email").GetString(),
            invitation.GetProperty("role").GetString(), invitation.GetProperty("invited_by").GetString()));
        Assert.Equal(TimeSpan.FromDays(7), invitation.GetProperty("expires_at").GetDateTime() - invitation.GetProperty("created_at").GetDateTime());
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal((id, "developer"), ((await JsonAsync(again)).GetProperty("id").GetInt64(), (await JsonAsync(again)).GetProperty("role").GetString()));

        var team = await JsonAsync(await client.GetAsync($"/v1/admin/accounts/{account}/members", Ct));
        var member = Assert.Single(team.GetProperty("members").EnumerateArray());
        Assert.Equal((owner, "owner"), (member.GetProperty("user_id").GetInt64(), member.GetProperty("role").GetString()));
        Assert.True(member.TryGetProperty("since", out _));
        Assert.Equal([id], team.GetProperty("invitations").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
        Assert.Equal((1, 1), (await AuditRowsAsync(account, AdminActions.MemberInvite), await AuditRowsAsync(account, AdminActions.InvitationRenew)));
    }

    [Fact]
    public async Task Invite_CurrentMember_Is409AlreadyMember()
    {
        var account = await app.CreateAccountAsync();
        var email = Email("member");
        await app.CreateUserAsync(email, Roles.Customer, account);
        using var client = Admin();

        using var response = await client.PostAsJsonAsync($"/v1/admin/accounts/{account}/invitations", new { email, role = "viewer" }, Ct);

        await AssertProblemAsync(response, HttpStatusCode.Conflict, "already_member");
    }

    [Theory]
    [InlineData("""{"email":"not an email","role":"viewer"}""", "email")]
    [InlineData("""{"role":"viewer"}""", "email")]
    [InlineData("""{"email":"ok-{0}@example.test","role":"member"}""", "role")]
    [InlineData("""{"email":"ok-{0}@example.test"}""", "role")]
    [InlineData("""{"email":"ok-{0}@example.test","role":7}""", "role")]
    [InlineData("""[1,2]""", "")]
    public async Task Invite_BadInput_Is400NamingTheFieldAndWritesNothing(string template, string field)
    {
        var account = await app.CreateAccountAsync();
        using var client = Admin();

        using var response = await client.PostAsync($"/v1/admin/accounts/{account}/invitations", Json(template.Replace("{0}", Guid.NewGuid().ToString("N"))), Ct);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request", field);
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        Assert.False(await db.AccountInvitations.AnyAsync(i => i.AccountId == account, Ct));
        Assert.False(await db.AdminAuditLog.AnyAsync(e => e.AccountId == account, Ct));
    }

    [Fact]
    public async Task RevokeInvitation_Is204AndAgain204_UnknownIs404()
    {
        var account = await app.CreateAccountAsync();
        using var client = Admin();
        using var invited = await client.PostAsJsonAsync($"/v1/admin/accounts/{account}/invitations", new { email = Email("x"), role = "viewer" }, Ct);
        var id = (await JsonAsync(invited)).GetProperty("id").GetInt64();

        using var revoked = await client.DeleteAsync($"/v1/admin/accounts/{account}/invitations/{id}", Ct);
        using var again = await client.DeleteAsync($"/v1/admin/accounts/{account}/invitations/{id}", Ct);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (revoked.StatusCode, again.StatusCode));
        Assert.Equal(1, await AuditRowsAsync(account, AdminActions.InvitationRevoke));
        var team = await JsonAsync(await client.GetAsync($"/v1/admin/accounts/{account}/members", Ct));
        Assert.Empty(team.GetProperty("invitations").EnumerateArray());
        await AssertProblemAsync(await client.DeleteAsync($"/v1/admin/accounts/{await app.CreateAccountAsync()}/invitations/{id}", Ct),
            HttpStatusCode.NotFound, "not_found");
        await AssertProblemAsync(await client.DeleteAsync($"/v1/admin/accounts/{account}/invitations/abc", Ct), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task RemoveMember_Is204_LastOwnerIs409_AgainIs404()
    {
        var account = await app.CreateAccountAsync();
        var owner = await app.CreateUserAsync(Email("owner"), Roles.Customer, account);
        var second = await app.CreateUserAsync(Email("second"), Roles.Customer, account);
        using var client = Admin();

        using var removed = await client.DeleteAsync($"/v1/admin/accounts/{account}/members/{second}", Ct);
        using var last = await client.DeleteAsync($"/v1/admin/accounts/{account}/members/{owner}", Ct);
        using var again = await client.DeleteAsync($"/v1/admin/accounts/{account}/members/{second}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await AssertProblemAsync(last, HttpStatusCode.Conflict, "last_owner");
        await AssertProblemAsync(again, HttpStatusCode.NotFound, "not_found");
        var team = await JsonAsync(await client.GetAsync($"/v1/admin/accounts/{account}/members", Ct));
        Assert.Equal([owner], team.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("user_id").GetInt64()));
        await AssertProblemAsync(await client.GetAsync("/v1/admin/accounts/99999999/members", Ct), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task CreateKey_Is201WithTheSecretOnce_AndTheKeyWorks()
    {
        var account = await app.CreateAccountAsync();
        var expires = DateTime.UtcNow.AddDays(30);
        using var client = Admin();

        using var response = await client.PostAsJsonAsync($"/v1/admin/accounts/{account}/keys",
            new { name = "Gateway", scopes = new[] { "billing:read" }, monthly_spend_limit = 12.5m, expires_at = expires }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var key = await JsonAsync(response);
        var secret = key.GetProperty("secret").GetString()!;
        Assert.Equal(("Gateway", 12.5m), (key.GetProperty("name").GetString(), key.GetProperty("monthly_spend_limit").GetDecimal()));
        Assert.Equal(["billing:read"], key.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        using var customer = app.Client(secret);
        var balance = await JsonAsync(await customer.GetAsync("/billing/balance", Ct));
        Assert.Equal(account, balance.GetProperty("account_id").GetInt64());
        var listed = await JsonAsync(await customer.GetAsync("/v1/keys", Ct));
        Assert.DoesNotContain("secret", listed.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateKey_RetriedWithItsIdempotencyKey_Is409NamingTheFirstKey_WithoutItsSecret_AndMakesNoSecondKey()
    {
        var account = await app.CreateAccountAsync();
        using var client = Admin();
        var body = new { name = "Provisioned", scopes = new[] { "inference" }, idempotency_key = "provision-" + Guid.NewGuid().ToString("N") };

        using var first = await client.PostAsJsonAsync($"/v1/admin/accounts/{account}/keys", body, Ct);
        using var retried = await client.PostAsJsonAsync($"/v1/admin/accounts/{account}/keys", body, Ct);
        using var changed = await client.PostAsJsonAsync($"/v1/admin/accounts/{account}/keys", body with { name = "Renamed" }, Ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var created = await JsonAsync(first);
        await AssertProblemAsync(retried, HttpStatusCode.Conflict, "key_already_created", "revoke");
        var problem = await JsonAsync(retried);
        Assert.Equal(created.GetProperty("id").GetInt64(), problem.GetProperty("key_id").GetInt64());
        Assert.DoesNotContain(created.GetProperty("secret").GetString()!, problem.GetRawText(), StringComparison.Ordinal);
        await AssertProblemAsync(changed, HttpStatusCode.Conflict, "idempotency_conflict");
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        Assert.Equal(1, await db.ApiKeys.CountAsync(k => k.AccountId == account, Ct));
    }

    [Theory]
    [InlineData("""{"name":"k","idempotency_key":""}""", "idempotency_key")]
    [InlineData("""{"scopes":["billing:read"]}""", "name")]
    [InlineData("""{"name":"k","scopes":["root"]}""", "scope")]
    [InlineData("""{"name":"k","monthly_spend_limit":-1}""", "monthly_spend_limit")]
    [InlineData("""{"name":"k","expires_at":"2001-01-01T00:00:00Z"}""", "expir")]
    [InlineData("""{"name":"k","expires_at":"soon"}""", "")]
    public async Task CreateKey_BadInput_Is400AndCreatesNoKey(string body, string field)
    {
        var account = await app.CreateAccountAsync();
        using var client = Admin();

        using var response = await client.PostAsync($"/v1/admin/accounts/{account}/keys", Json(body), Ct);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains(field, (await JsonAsync(response)).GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        Assert.False(await db.ApiKeys.AnyAsync(k => k.AccountId == account, Ct));
        await AssertProblemAsync(await client.PostAsync("/v1/admin/accounts/99999999/keys", Json("""{"name":"k"}"""), Ct), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task TeamRoutes_CustomerKeyOrMeteringToken_Are403AndWriteNothing()
    {
        var (account, _, secret) = await app.CreateCustomerAsync(Accounting.Ledger.Money.FromDollars(1));
        var owner = await app.CreateUserAsync(Email("owner"), Roles.Customer, account);
        foreach (var token in new[] { secret, app.MeteringToken })
        {
            using var client = app.Client(token);
            await AssertProblemAsync(await client.PostAsJsonAsync($"/v1/admin/accounts/{account}/invitations", new { email = Email("x"), role = "owner" }, Ct),
                HttpStatusCode.Forbidden, "forbidden");
            await AssertProblemAsync(await client.GetAsync($"/v1/admin/accounts/{account}/members", Ct), HttpStatusCode.Forbidden, "forbidden");
            await AssertProblemAsync(await client.DeleteAsync($"/v1/admin/accounts/{account}/members/{owner}", Ct), HttpStatusCode.Forbidden, "forbidden");
            await AssertProblemAsync(await client.PostAsJsonAsync($"/v1/admin/accounts/{account}/keys", new { name = "sneaky" }, Ct),
                HttpStatusCode.Forbidden, "forbidden");
        }
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        Assert.False(await db.AccountInvitations.AnyAsync(i => i.AccountId == account, Ct));
        Assert.Equal(1, await db.ApiKeys.CountAsync(k => k.AccountId == account, Ct));
        Assert.True(await db.AccountMembers.AnyAsync(m => m.AccountId == account && m.UserId == owner, Ct));
    }
}
