using System.Net;
using System.Text;
using System.Text.Json;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Auth;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Auth;

/// <summary>A membership changed in the database behind a signed-in session's back takes effect on the very next
/// request, over real HTTP on the development host.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class MembershipChangeTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private async Task<(long AccountId, long UserId, HttpClient Session)> SignInMemberAsync(string role)
    {
        var (accountId, _, _) = await app.CreateCustomerAsync(Money.FromDollars(5));
        var email = $"{role}-{Guid.NewGuid():N}@example.test";
        var userId = await TestMembers.CreateAsync(app.DbFactory, email, accountId, role);
        return (accountId, userId, await DevSessions.SignInAsync(app.BaseAddress, email));
    }

    private static Task<HttpResponseMessage> CreateKeyAsync(HttpClient session) =>
        session.PostAsync("/v1/keys", new StringContent("""{"name":"role test"}""", Encoding.UTF8, "application/json"), Ct);

    private static async Task<string?> CodeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return json.RootElement.GetProperty("code").GetString();
    }

    [Fact]
    public async Task CreateKey_RoleLoweredToViewerInTheDatabase_NextRequestRefusedWithInsufficientRoleAndNoKeyWritten()
    {
        var (accountId, userId, session) = await SignInMemberAsync(AccountRoles.Developer);
        using var _ = session;
        Assert.Equal(HttpStatusCode.Created, (await CreateKeyAsync(session)).StatusCode);
        var keysBefore = await CountKeysAsync(accountId);

        await TestMembers.SetRoleAsync(app.DbFactory, accountId, userId, AccountRoles.Viewer);
        var refused = await CreateKeyAsync(session);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("insufficient_role", await CodeAsync(refused));
        Assert.Equal(keysBefore, await CountKeysAsync(accountId));
        // Still a viewer: reading is allowed.
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/billing/balance", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/v1/keys", Ct)).StatusCode);
    }

    [Fact]
    public async Task CreateKey_ViewerRaisedToDeveloperInTheDatabase_NextRequestAllowed()
    {
        var (accountId, userId, session) = await SignInMemberAsync(AccountRoles.Viewer);
        using var _ = session;
        Assert.Equal(HttpStatusCode.Forbidden, (await CreateKeyAsync(session)).StatusCode);

        await TestMembers.SetRoleAsync(app.DbFactory, accountId, userId, AccountRoles.Developer);

        Assert.Equal(HttpStatusCode.Created, (await CreateKeyAsync(session)).StatusCode);
    }

    [Fact]
    public async Task Balance_MembershipRowDeleted_NextRequestRefusedAndPagesShowAccessDenied()
    {
        var (accountId, userId, session) = await SignInMemberAsync(AccountRoles.Owner);
        using var _ = session;
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/billing/balance", Ct)).StatusCode);

        await TestMembers.RemoveAsync(app.DbFactory, accountId, userId);
        var refused = await session.GetAsync("/billing/balance", Ct);
        var page = await session.GetAsync("/keys", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("forbidden", await CodeAsync(refused));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/access-denied", page.Headers.Location?.PathAndQuery ?? page.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Balance_UserDeleted_NextRequestIsSignedOut()
    {
        var (_, userId, session) = await SignInMemberAsync(AccountRoles.Owner);
        using var _ = session;
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/billing/balance", Ct)).StatusCode);

        await TestMembers.DeleteUserAsync(app.DbFactory, userId);
        var refused = await session.GetAsync("/billing/balance", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("unauthorized", await CodeAsync(refused));
    }

    [Fact]
    public async Task StaticAsset_UserDeleted_ServedWithoutALookupWhileTheNextApiCallSignsOut()
    {
        var (_, userId, session) = await SignInMemberAsync(AccountRoles.Owner);
        using var _ = session;
        var asset = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .First(e => e.Metadata.GetMetadata<StaticAssetDescriptor>() is not null && e.RoutePattern.Parameters.Count == 0);
        await TestMembers.DeleteUserAsync(app.DbFactory, userId);

        var file = await session.GetAsync("/" + asset.RoutePattern.RawText!.TrimStart('/'), Ct);
        var api = await session.GetAsync("/billing/balance", Ct);

        // Only a lookup would have found the user gone and ended the session (clearing the cookie).
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.False(file.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Contains(api.Headers.GetValues("Set-Cookie"), c => c.StartsWith("billingconsole.session=;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MembershipLookup_Statement_SearchesByPrimaryKeysOnly()
    {
        var (accountId, userId, session) = await SignInMemberAsync(AccountRoles.Viewer);
        session.Dispose();
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var query = MembershipLookup.Query(db, userId, accountId);

        // The per-request cost: one statement that finds both rows by key, never a scan.
        var plan = await PlanAsync(db, query.ToQueryString());

        Assert.NotEmpty(plan);
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal));
        Assert.Contains(plan, step => step.StartsWith("SEARCH", StringComparison.Ordinal) && step.Contains("INTEGER PRIMARY KEY", StringComparison.Ordinal));
        Assert.Contains(plan, step => step.StartsWith("SEARCH", StringComparison.Ordinal) && step.Contains("account_members", StringComparison.Ordinal)
            && step.Contains("account_id=? AND user_id=?", StringComparison.Ordinal));
        Assert.Equal(new MembershipRow(AccountRoles.Viewer), await query.SingleAsync(Ct));
    }

    /// <summary>SQLite's EXPLAIN QUERY PLAN details for <paramref name="sql"/> (EF prints its parameters as declarations first).</summary>
    private static async Task<List<string>> PlanAsync(Accounting.Data.BillingDbContext db, string sql)
    {
        var lines = sql.Split('\n');
        var parameters = lines.TakeWhile(l => l.StartsWith(".param set", StringComparison.Ordinal)).ToList();
        var statement = string.Join('\n', lines.Skip(parameters.Count));
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + statement;
        foreach (var line in parameters)
        {
            var parts = line.Split(' ', 4);
            var parameter = command.CreateParameter();
            parameter.ParameterName = parts[2];
            parameter.Value = long.Parse(parts[3].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            command.Parameters.Add(parameter);
        }
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
            plan.Add(reader.GetString(3));
        return plan;
    }

    private async Task<int> CountKeysAsync(long accountId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        return await db.ApiKeys.CountAsync(k => k.AccountId == accountId, Ct);
    }
}
