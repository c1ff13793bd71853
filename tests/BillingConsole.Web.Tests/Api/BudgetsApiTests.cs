using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Api;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

using static BillingConsole.Web.Tests.Api.ApiResponses;

namespace BillingConsole.Web.Tests.Api;

[Collection(ConsoleAppCollection.Name)]
public sealed class BudgetsApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private Task<HttpResponseMessage> ReserveAsync(HttpClient gateway, long keyId) =>
        gateway.PostAsJsonAsync("/v1/meter/reservations", new
        {
            idempotency_key = Guid.NewGuid().ToString("N"), api_key_id = keyId, model = "gpt-4o-mini", max_input_tokens = 2_000, max_output_tokens = 500,
        }, Ct);

    private async Task<HttpClient> MemberAsync(long accountId, string role)
    {
        var email = $"budget-{role}-{Guid.NewGuid():N}@example.test";
        await TestMembers.CreateAsync(app.DbFactory, email, accountId, role);
        return await DevSessions.SignInAsync(app.BaseAddress, email);
    }

    [Fact]
    public async Task Reserve_PastAnAccountBudget_IsBudgetExceeded_AndTheListShowsTheSpend()
    {
        var (_, key, secret) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var owner = app.Client(secret);
        using var gateway = app.Client(app.MeteringToken);
        var created = await owner.PostAsJsonAsync("/billing/budgets", new { amount = 0.001m, period = "daily" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var budget = await JsonAsync(created);
        var budgetId = budget.GetProperty("id").GetInt64();
        Assert.Equal(JsonValueKind.Null, budget.GetProperty("api_key_id").ValueKind);

        var first = await ReserveAsync(gateway, key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var held = (await JsonAsync(first)).GetProperty("held").GetDecimal();
        var refused = await ReserveAsync(gateway, key);

        await AssertProblemAsync(refused, HttpStatusCode.Forbidden, "budget_exceeded");
        var problem = await JsonAsync(refused);
        Assert.Equal(budgetId, problem.GetProperty("budget_id").GetInt64());
        Assert.Equal("daily", problem.GetProperty("period").GetString());
        var resetAt = problem.GetProperty("reset_at").GetDateTime();
        Assert.Equal(DateTime.UtcNow.Date.AddDays(1), resetAt.ToUniversalTime());
        var listed = Assert.Single((await owner.GetFromJsonAsync<JsonElement>("/billing/budgets", Ct)).EnumerateArray());
        Assert.Equal((held, 0.001m - held, "daily"), (listed.GetProperty("spent").GetDecimal(), listed.GetProperty("remaining").GetDecimal(),
            listed.GetProperty("period").GetString()));
        Assert.Equal(resetAt, listed.GetProperty("reset_at").GetDateTime());
    }

    [Fact]
    public async Task Create_BadInput_Is400WithACode_AndWritesNothing()
    {
        var (account, _, secret) = await app.CreateCustomerAsync(Money.FromDollars(5));
        var (_, otherKey, _) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var owner = app.Client(secret);
        foreach (var body in new object[]
                 {
                     new { amount = 0m, period = "daily" }, new { amount = -1m, period = "daily" }, new { amount = 1m, period = "hourly" },
                     new { amount = 1m }, new { period = "daily" }, new { amount = 0.0000000001m, period = "daily" },
                 })
            await AssertProblemAsync(await owner.PostAsJsonAsync("/billing/budgets", body, Ct), HttpStatusCode.BadRequest, "invalid_request", body.ToString());
        // Another account's key reads as no key at all.
        await AssertProblemAsync(await owner.PostAsJsonAsync("/billing/budgets", new { api_key_id = otherKey, amount = 1m, period = "daily" }, Ct),
            HttpStatusCode.NotFound, "not_found");
        await using (var db = await app.DbFactory.CreateDbContextAsync(Ct))
            Assert.False(await db.Budgets.AnyAsync(b => b.AccountId == account, Ct));

        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/billing/budgets", new { amount = 1m, period = "weekly" }, Ct)).StatusCode);
        await AssertProblemAsync(await owner.PostAsJsonAsync("/billing/budgets", new { amount = 2m, period = "weekly" }, Ct), HttpStatusCode.Conflict, "budget_exists");
        var id = Assert.Single((await owner.GetFromJsonAsync<JsonElement>("/billing/budgets", Ct)).EnumerateArray()).GetProperty("id").GetInt64();
        await AssertProblemAsync(await owner.PutAsJsonAsync($"/billing/budgets/{id}", new { amount = 0m }, Ct), HttpStatusCode.BadRequest, "invalid_request");
        await AssertProblemAsync(await owner.PutAsJsonAsync("/billing/budgets/987654321", new { amount = 3m }, Ct), HttpStatusCode.NotFound, "not_found");
        var changed = await owner.PutAsJsonAsync($"/billing/budgets/{id}", new { amount = 3m }, Ct);
        Assert.Equal(3m, (await JsonAsync(changed)).GetProperty("amount").GetDecimal());
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/billing/budgets/{id}", Ct)).StatusCode);
        Assert.Empty((await owner.GetFromJsonAsync<JsonElement>("/billing/budgets", Ct)).EnumerateArray());
        await AssertProblemAsync(await owner.DeleteAsync($"/billing/budgets/{id}", Ct), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Create_ByADeveloper_SetsKeyBudgetsButNotTheAccounts()
    {
        var (account, key, secret) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var developer = await MemberAsync(account, AccountRoles.Developer);
        using var viewer = await MemberAsync(account, AccountRoles.Viewer);
        using var owner = app.Client(secret);

        await AssertProblemAsync(await developer.PostAsJsonAsync("/billing/budgets", new { amount = 1m, period = "monthly" }, Ct),
            HttpStatusCode.Forbidden, Problems.InsufficientRole);
        var keyBudget = await developer.PostAsJsonAsync("/billing/budgets", new { api_key_id = key, amount = 1m, period = "monthly" }, Ct);
        Assert.Equal(HttpStatusCode.Created, keyBudget.StatusCode);
        Assert.Equal(key, (await JsonAsync(keyBudget)).GetProperty("api_key_id").GetInt64());
        var accountBudget = await JsonAsync(await owner.PostAsJsonAsync("/billing/budgets", new { amount = 1m, period = "monthly" }, Ct));
        await AssertProblemAsync(await developer.PutAsJsonAsync($"/billing/budgets/{accountBudget.GetProperty("id").GetInt64()}", new { amount = 9m }, Ct),
            HttpStatusCode.Forbidden, Problems.InsufficientRole);
        await AssertProblemAsync(await viewer.PostAsJsonAsync("/billing/budgets", new { api_key_id = key, amount = 1m, period = "daily" }, Ct),
            HttpStatusCode.Forbidden, Problems.InsufficientRole);
        Assert.Equal(2, (await viewer.GetFromJsonAsync<JsonElement>("/billing/budgets", Ct)).GetArrayLength());
    }

    [Fact]
    public async Task AdminRoutes_SetListAndDeleteAnyAccountsBudgets()
    {
        var (account, key, _) = await app.CreateCustomerAsync(Money.FromDollars(5));
        using var admin = app.Client(app.AdminToken);
        var created = await admin.PostAsJsonAsync($"/v1/admin/accounts/{account}/budgets", new { api_key_id = key, amount = 2.5m, period = "lifetime" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var budget = await JsonAsync(created);
        Assert.Equal(JsonValueKind.Null, budget.GetProperty("reset_at").ValueKind);
        var id = budget.GetProperty("id").GetInt64();
        Assert.Equal(2m, (await JsonAsync(await admin.PutAsJsonAsync($"/v1/admin/accounts/{account}/budgets/{id}", new { amount = 2m }, Ct)))
            .GetProperty("amount").GetDecimal());
        Assert.Single((await admin.GetFromJsonAsync<JsonElement>($"/v1/admin/accounts/{account}/budgets", Ct)).EnumerateArray());
        await AssertProblemAsync(await admin.PostAsJsonAsync($"/v1/admin/accounts/{account}/budgets", new { amount = 1m, period = "yearly" }, Ct),
            HttpStatusCode.BadRequest, "invalid_request");
        await AssertProblemAsync(await admin.GetAsync("/v1/admin/accounts/987654321/budgets", Ct), HttpStatusCode.NotFound, "not_found");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/admin/accounts/{account}/budgets/{id}", Ct)).StatusCode);
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement>($"/v1/admin/accounts/{account}/budgets", Ct)).EnumerateArray());
    }
}
