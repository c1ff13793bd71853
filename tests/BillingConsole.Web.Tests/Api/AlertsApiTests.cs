using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BillingConsole.Accounting.Alerts;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Api;

/// <summary><c>/billing/alerts</c> over real HTTP on the development console: rules created, listed with their state,
/// fired by the real evaluator, paged events, deleted; endpoints with their secret shown once; bad input 400 and
/// nothing written.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class AlertsApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    /// <summary>A customer with $1 and a key that may read billing and manage settings (keys:write).</summary>
    private async Task<(long AccountId, HttpClient Client)> CustomerAsync()
    {
        var (account, _, _) = await app.CreateCustomerAsync(Money.FromDollars(1));
        var key = await app.Services.GetRequiredService<ApiKeyService>()
            .CreateAsync(account, "alerts api", null, [ApiKeyScopes.BillingRead, ApiKeyScopes.KeysWrite], null, Ct);
        return (account, app.Client(key.Value!.Secret));
    }

    [Fact]
    public async Task Rules_CreatedFiredListedPagedAndDeleted_ThroughTheApi()
    {
        var (account, client) = await CustomerAsync();

        var created = await client.PostAsJsonAsync("/billing/alerts/rules", new { kind = "balance_below", threshold = 5.25m }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var rule = await JsonAsync(created);
        var ruleId = rule.GetProperty("id").GetInt64();
        Assert.Equal(($"/billing/alerts/rules/{ruleId}", 5.25m, "armed"),
            (created.Headers.Location?.OriginalString, rule.GetProperty("threshold").GetDecimal(), rule.GetProperty("state").GetString()));
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/billing/alerts/rules", new { kind = "runway_below", threshold = 7 }, Ct)).StatusCode);

        // $1 is below $5.25: the evaluator fires it.
        await app.Services.GetRequiredService<AlertEvaluator>().EvaluateAsync(account, Ct);
        var rules = await JsonAsync(await client.GetAsync("/billing/alerts/rules", Ct));
        Assert.Equal("firing", rules.EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == ruleId).GetProperty("state").GetString());

        var page = await JsonAsync(await client.GetAsync("/billing/alerts/events?limit=1", Ct));
        var fired = Assert.Single(page.GetProperty("data").EnumerateArray());
        Assert.Equal((ruleId, "fired"), (fired.GetProperty("rule_id").GetInt64(), fired.GetProperty("transition").GetString()));
        Assert.Contains("$1.00", fired.GetProperty("message").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/billing/alerts/rules/{ruleId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/billing/alerts/rules/{ruleId}", Ct)).StatusCode);
        Assert.DoesNotContain((await JsonAsync(await client.GetAsync("/billing/alerts/rules", Ct))).EnumerateArray(),
            r => r.GetProperty("id").GetInt64() == ruleId);
    }

    [Fact]
    public async Task BudgetRule_NamesItsBudget_AndIsListedWithIt()
    {
        var (account, client) = await CustomerAsync();
        var budget = await app.Services.GetRequiredService<BillingConsole.Accounting.Budgets.BudgetService>()
            .CreateAsync(account, null, Money.FromDollars(20), BillingConsole.Accounting.Budgets.BudgetPeriods.Monthly, "tests", Ct);

        var created = await client.PostAsJsonAsync("/billing/alerts/rules", new { kind = "budget", threshold = 80, budget_id = budget.Value!.Id }, Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var rule = Assert.Single((await JsonAsync(await client.GetAsync("/billing/alerts/rules", Ct))).EnumerateArray());
        Assert.Equal((budget.Value.Id, JsonValueKind.Null, 80m),
            (rule.GetProperty("budget_id").GetInt64(), rule.GetProperty("key_id").ValueKind, rule.GetProperty("threshold").GetDecimal()));
    }

    [Theory]
    [InlineData("""{"kind":"balance_below","threshold":0.0000000001}""", "threshold is a USD amount with at most 9 decimals.")]
    [InlineData("""{"kind":"runway_below","threshold":2.5}""", "threshold is a whole number in the kind's unit (days or a percentage).")]
    [InlineData("""{"kind":"runway_below","threshold":0}""", "threshold must be a whole number of days from 1 to 3650.")]
    [InlineData("""{"kind":"key_budget","threshold":80}""", "key_id is required for a key_budget alert.")]
    [InlineData("""{"kind":"key_budget","threshold":80,"key_id":999999999}""", "key_id must be an active API key of this account.")]
    [InlineData("""{"kind":"budget","threshold":80}""", "budget_id is required for a budget alert.")]
    [InlineData("""{"kind":"weather","threshold":1}""", "kind must be one of balance_below, key_budget, runway_below, auto_recharge_declined, dispute_opened, budget.")]
    public async Task CreateRule_BadInput_Is400WithTheReason_AndWritesNothing(string body, string detail)
    {
        var (account, client) = await CustomerAsync();

        var response = await client.PostAsync("/billing/alerts/rules", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await JsonAsync(response);
        Assert.Equal(("invalid_request", detail), (problem.GetProperty("code").GetString(), problem.GetProperty("detail").GetString()));
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        Assert.False(await db.AlertRules.AnyAsync(r => r.AccountId == account, Ct));
    }

    [Fact]
    public async Task Endpoints_SecretShownOnceNeverListed_RotatedAndDeleted()
    {
        var (account, client) = await CustomerAsync();

        var created = await client.PostAsJsonAsync("/billing/alerts/endpoints", new { url = "https://hooks.example.com/billing" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await JsonAsync(created);
        var id = body.GetProperty("endpoint").GetProperty("id").GetInt64();
        var secret = body.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);

        var listed = await client.GetStringAsync("/billing/alerts/endpoints", Ct);
        Assert.Contains("https://hooks.example.com/billing", listed);
        Assert.DoesNotContain(secret, listed);

        var rotated = await JsonAsync(await client.PostAsync($"/billing/alerts/endpoints/{id}/rotate", null, Ct));
        Assert.NotEqual(secret, rotated.GetProperty("secret").GetString());

        var refused = await client.PostAsJsonAsync("/billing/alerts/endpoints", new { url = "ftp://hooks.example.com/" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/billing/alerts/endpoints/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/billing/alerts/endpoints/{id}/rotate", null, Ct)).StatusCode);
        Assert.Equal("[]", await client.GetStringAsync("/billing/alerts/endpoints", Ct));
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        Assert.Equal(1, await db.WebhookEndpoints.CountAsync(e => e.AccountId == account, Ct));
    }
}
