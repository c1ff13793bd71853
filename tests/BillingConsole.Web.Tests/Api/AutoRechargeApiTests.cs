using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Web.Tests.Api;

/// <summary><c>GET/PUT /billing/auto-recharge</c> over real HTTP on the development console (SQLite, development-mode
/// payments: no card is needed to turn it on there; the card rule runs against the fake Stripe in the payments tests).</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class AutoRechargeApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    private async Task<(long AccountId, HttpClient Client)> CustomerAsync()
    {
        var (account, _, secret) = await app.CreateCustomerAsync(Money.FromDollars(1));
        return (account, app.Client(secret));
    }

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, object body) => client.PutAsJsonAsync("/billing/auto-recharge", body, Ct);

    [Fact]
    public async Task Get_NewAccount_IsOffWithNoCardNoAttemptAndTheAmountBounds()
    {
        var (_, client) = await CustomerAsync();

        var response = await client.GetAsync("/billing/auto-recharge", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.False(json.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("payment_method").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("card").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("last_attempt").ValueKind);
        Assert.Equal(0m, json.GetProperty("recharged_this_month").GetDecimal());
        Assert.Equal((5m, 10_000m, false), (json.GetProperty("min_amount").GetDecimal(), json.GetProperty("max_amount").GetDecimal(),
            json.GetProperty("card_required").GetBoolean()));
    }

    [Fact]
    public async Task Put_ValidSettings_AreStoredExactlyAndReadBack_AndEnabledFalseAloneKeepsThem()
    {
        var (account, client) = await CustomerAsync();

        var put = await PutAsync(client, new { enabled = true, threshold = 12.345678901m, amount = 25.50m, monthly_cap = 100m });

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var json = await JsonAsync(await client.GetAsync("/billing/auto-recharge", Ct));
        Assert.Equal((true, 12.345678901m, 25.5m, 100m), (json.GetProperty("enabled").GetBoolean(), json.GetProperty("threshold").GetDecimal(),
            json.GetProperty("amount").GetDecimal(), json.GetProperty("monthly_cap").GetDecimal()));
        await using (var db = await app.DbFactory.CreateDbContextAsync(Ct))
        {
            var a = await db.Accounts.AsNoTracking().SingleAsync(x => x.Id == account, Ct);
            Assert.Equal((12_345_678_901L, 25_500_000_000L, 100_000_000_000L), (a.AutoRechargeThreshold!.Value, a.AutoRechargeAmount!.Value, a.AutoRechargeMonthlyCap!.Value));
        }

        var off = await JsonAsync(await PutAsync(client, new { enabled = false }));
        Assert.Equal((false, 12.345678901m, 25.5m), (off.GetProperty("enabled").GetBoolean(), off.GetProperty("threshold").GetDecimal(),
            off.GetProperty("amount").GetDecimal()));
        Assert.Equal(JsonValueKind.Null, off.GetProperty("monthly_cap").ValueKind); // PUT replaces: no cap given, no cap
    }

    public static TheoryData<string> BadBodies() =>
    [
        """{"enabled":true,"threshold":0,"amount":25}""",
        """{"enabled":true,"threshold":-1,"amount":25}""",
        """{"enabled":true,"threshold":10,"amount":50,"monthly_cap":40}""",
        """{"enabled":true,"threshold":10,"amount":25.001}""",
        """{"enabled":true,"threshold":10,"amount":4.99}""",
        """{"enabled":true,"threshold":10,"amount":10000.01}""",
        """{"enabled":true,"threshold":10}""",
        """{"threshold":10,"amount":25}""",
        """{"enabled":true,"threshold":10,"amount":25,"payment_method":"pm_someone_elses"}""",
        """{"enabled":true,"threshold":0.0000000001,"amount":25}""",
        """{"enabled":"yes","threshold":10,"amount":25}""",
        """[1,2]""",
    ];

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Put_BadInput_Is400InvalidRequest_AndChangesNothing(string body)
    {
        var (_, client) = await CustomerAsync();
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(client, new { enabled = false, threshold = 7, amount = 20 })).StatusCode);
        var before = await (await client.GetAsync("/billing/auto-recharge", Ct)).Content.ReadAsStringAsync(Ct);

        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await client.PutAsync("/billing/auto-recharge", content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("invalid_request", (await JsonAsync(response)).GetProperty("code").GetString());
        Assert.Equal(before, await (await client.GetAsync("/billing/auto-recharge", Ct)).Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Put_KeyWithBillingReadOnly_Is403InsufficientScope_ButItReads()
    {
        var (_, owner) = await CustomerAsync();
        var created = await JsonAsync(await owner.PostAsJsonAsync("/v1/keys", new { name = "reader", scopes = new[] { "billing:read" } }, Ct));
        using var reader = app.Client(created.GetProperty("secret").GetString()!);

        var put = await PutAsync(reader, new { enabled = true, threshold = 10, amount = 25 });

        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Equal("insufficient_scope", (await JsonAsync(put)).GetProperty("code").GetString());
        var read = await JsonAsync(await reader.GetAsync("/billing/auto-recharge", Ct));
        Assert.False(read.GetProperty("enabled").GetBoolean());
    }
}
