using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using System.Text.Json.Nodes;
using BillingConsole.Accounting.Payments;
using BillingConsole.Web.Tests.Payments;
using Stripe;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Api;

/// <summary>The reconciliation report over HTTP: each kind of mismatch between Stripe and the ledger, created on purpose,
/// is reported with links to its events and its account; bad periods are refused.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class AdminReconciliationApiTests(ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    /// <summary>A Stripe object of every mismatch kind on one new account, stamped now (the ledger's clock is the real one).</summary>
    public static async Task<(long AccountId, Dictionary<string, string> ObjectOfKind, string Orphan)> SeedMismatchesAsync(ConsoleApp app)
    {
        var (account, _, _) = await app.CreateCustomerAsync(Money.Zero);
        var log = app.Services.GetRequiredService<PaymentEventLog>();
        var postings = app.Services.GetRequiredService<PaymentPostings>();
        var ledger = app.Services.GetRequiredService<LedgerWriter>();
        var tag = Guid.NewGuid().ToString("N")[..10];
        string Id(string prefix) => $"{prefix}_{tag}";
        // Real Stripe event payloads: the report reads them through the web's parser into the engine's neutral facts.
        Task Event(string type, JsonObject obj, long cents, string outcome = PaymentEventOutcomes.Processed) =>
            log.RecordAsync(new PaymentEventRecord($"evt_{Guid.NewGuid():N}", type, (string)obj["id"]!, $"pi_{(string)obj["id"]!}", account, cents, false,
                "2026-10-28.endive", DateTime.UtcNow, outcome, "test", StripeObjects.Event(type, obj)), Ct);
        JsonObject Session(string id, long paid) =>
            StripeObjects.Session(id, StripeObjects.PurchaseMetadata(account, paid, 0), paid, "cus_recon", "paid", $"pi_{id}");

        var kinds = new Dictionary<string, string>
        {
            ["not_credited"] = Id("cs_missing"), ["amount_mismatch"] = Id("cs_short"), ["refund_not_recorded"] = Id("ch_refunded"),
            ["dispute_not_recorded"] = Id("dp_open"), ["dispute_reversal_missing"] = Id("dp_won"), ["unresolved_event"] = Id("ch_failed"),
        };
        var stripe = BillingConsole.Web.Payments.StripeFacts.Provider;
        await Event(EventTypes.CheckoutSessionCompleted, Session(kinds["not_credited"], 1_000), 1_000);
        await Event(EventTypes.CheckoutSessionCompleted, Session(kinds["amount_mismatch"], 1_000), 1_000);
        Assert.True((await ledger.PostAsync(new PostRequest(account, EntryTypes.Topup, Money.FromDollars(9), "short credit", PaymentPostings.WebhookOrigin(stripe),
            kinds["amount_mismatch"], PaymentKeys.Topup(stripe, kinds["amount_mismatch"])), Ct)).Succeeded);
        await Event(EventTypes.ChargeRefunded, StripeObjects.Charge(kinds["refund_not_recorded"], $"pi_{kinds["refund_not_recorded"]}", 500, 500, null), 500);
        await Event(EventTypes.ChargeDisputeCreated, StripeObjects.Dispute(kinds["dispute_not_recorded"], Id("ch_x"), $"pi_{kinds["dispute_not_recorded"]}", 700, "needs_response"), 700);
        await Event(EventTypes.ChargeDisputeClosed, StripeObjects.Dispute(kinds["dispute_reversal_missing"], Id("ch_y"), $"pi_{kinds["dispute_reversal_missing"]}", 300, "won"), 300);
        Assert.True((await postings.DebitDisputeAsync(stripe, account, kinds["dispute_reversal_missing"], Money.FromCents(300), "dispute", Ct)).Succeeded);
        await Event(EventTypes.ChargeRefunded, StripeObjects.Charge(kinds["unresolved_event"], $"pi_{kinds["unresolved_event"]}", 100, 100, null), 100, PaymentEventOutcomes.Failed);
        var orphan = Id("cs_orphan");
        Assert.True((await ledger.PostAsync(new PostRequest(account, EntryTypes.Topup, Money.FromDollars(7), "no event", BillingConsole.Accounting.Payments.PaymentPostings.WebhookOrigin(BillingConsole.Web.Payments.StripeFacts.Provider),
            orphan, PaymentKeys.Topup(BillingConsole.Web.Payments.StripeFacts.Provider, orphan)), Ct)).Succeeded);
        return (account, kinds, orphan);
    }

    private static string Today(int days = 0) => DateTime.UtcNow.Date.AddDays(days).ToString("yyyy-MM-dd");

    [Fact]
    public async Task Get_EachKindOfMismatch_IsReportedWithLinksToItsEventsAndAccount()
    {
        var (account, kinds, orphan) = await SeedMismatchesAsync(app);
        using var admin = app.Client(app.AdminToken);

        var response = await admin.GetAsync($"/v1/admin/reconciliation?from={Today(-1)}&to={Today(1)}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.False(report.GetProperty("balanced").GetBoolean());
        var issues = report.GetProperty("stripe_without_ledger").EnumerateArray()
            .Where(i => i.GetProperty("account_id").ValueKind == JsonValueKind.Number && i.GetProperty("account_id").GetInt64() == account)
            .ToDictionary(i => i.GetProperty("stripe_object_id").GetString()!, i => i);
        foreach (var (kind, objectId) in kinds)
        {
            Assert.True(issues.TryGetValue(objectId, out var issue), $"{kind} for {objectId} is not reported");
            Assert.Equal(kind, issue.GetProperty("kind").GetString());
            Assert.Equal($"/admin/webhooks?object={objectId}", issue.GetProperty("events_url").GetString());
            Assert.Equal($"/admin/accounts/{account}", issue.GetProperty("account_url").GetString());
        }
        Assert.Equal(kinds.Count, issues.Count);
        var stray = Assert.Single(report.GetProperty("ledger_without_stripe").EnumerateArray(), o => o.GetProperty("account_id").GetInt64() == account);
        Assert.Equal((orphan, "topup", 7m), (stray.GetProperty("ref_id").GetString(), stray.GetProperty("type").GetString(), stray.GetProperty("amount").GetDecimal()));
        Assert.True(report.GetProperty("totals").GetProperty("stripe_paid").GetDecimal() >= 20m);
    }

    [Fact]
    public async Task Get_BadPeriod_Is400_AndACustomerKeyIs403()
    {
        using var admin = app.Client(app.AdminToken);
        foreach (var query in new[] { $"from={Today(1)}&to={Today()}", $"from={Today(-400)}&to={Today()}", "from=2026-13-01", "to=yesterday" })
        {
            var response = await admin.GetAsync($"/v1/admin/reconciliation?{query}", Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("invalid_request", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        }
        var (_, _, secret) = await app.CreateCustomerAsync(Money.Zero);
        using var customer = app.Client(secret);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync("/v1/admin/reconciliation", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("to=9999-12-31")]
    [InlineData("from=0001-01-01&to=0001-01-31")]
    [InlineData("from=9999-12-01&to=9999-12-31")]
    public async Task Page_PeriodAtTheEdgeOfTheCalendar_AnswersThePageNotAServerError(string query)
    {
        // The day after the period (its exclusive end) must exist: the page once added it to 9999-12-31 and failed with 500.
        var email = $"recon-admin-{Guid.NewGuid():N}@example.test";
        await TestData.CreateUserAsync(app.DbFactory, email, Roles.BillingAdmin);
        using var admin = await DevSessions.SignInAsync(app.BaseAddress, email);

        var response = await admin.GetAsync($"/admin/reconciliation?{query}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Reconciliation", await response.Content.ReadAsStringAsync(Ct));
    }
}
