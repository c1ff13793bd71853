using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Stripe;

namespace BillingConsole.Web.Tests.Payments;

/// <summary>The whole console as <c>dotnet run</c> starts it (Development, no Stripe key): development-mode payments
/// and the webhook verified with the development secret from appsettings.Development.json.</summary>
[Collection(ConsoleAppCollection.Name)]
public sealed class DevelopmentPaymentsTests(ConsoleApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private PaymentsService Payments => app.Services.GetRequiredService<PaymentsService>();
    private string DevSecret => app.Services.GetRequiredService<IConfiguration>()["Stripe:WebhookSecret"]!;

    private async Task<List<LedgerEntry>> EntriesAsync(long accountId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        return await db.LedgerEntries.AsNoTracking().Where(e => e.AccountId == accountId).OrderBy(e => e.Sequence).ToListAsync(Ct);
    }

    private async Task<HttpResponseMessage> DeliverAsync(string payload, string? secret = null)
    {
        using var client = app.Client();
        using var content = new StringContent(payload, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhook") { Content = content };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeObjects.Sign(payload, secret ?? DevSecret));
        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task Buy_InDevelopmentMode_CreditsTopupAndFeeAtOnce_OncePerRequest_EvenOnADoubleClick()
    {
        Assert.True(Payments.IsDevelopmentMode);
        Assert.StartsWith("whsec_dev_", DevSecret);
        var (account, _, _) = await app.CreateCustomerAsync(Money.Zero);
        var package = Payments.Packages.Single(p => p.Id == "standard");
        var request = Payments.NewPurchase(account, package.Id);

        var clicks = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Payments.BuyAsync(request, app.BaseAddress.ToString(), "user:42", Ct)));

        Assert.All(clicks, c => Assert.Equal(PurchaseOutcomeKind.Credited, c.Kind));
        Assert.All(clicks, c => Assert.Equal(package.Credits, c.Credits));
        var entries = await EntriesAsync(account);
        Assert.Equal([(EntryTypes.Topup, package.Total.Units, PaymentKeys.DevTopup(request.PurchaseId)), (EntryTypes.PlatformFee, -package.Fee.Units, PaymentKeys.DevFee(request.PurchaseId))],
            entries.Select(e => (e.Type, e.Amount, e.IdempotencyKey)));
        Assert.All(entries, e => Assert.Equal((EntrySources.Console, "user:42", PaymentKeys.DevPurchaseRef(request.PurchaseId)), (e.Source, e.Actor, e.RefId)));
        Assert.Contains("development mode", entries[0].Description);
        Assert.Equal(package.Credits, new Money(entries.Sum(e => e.Amount)));

        var second = await Payments.BuyAsync(Payments.NewPurchase(account, package.Id), app.BaseAddress.ToString(), "user:42", Ct);
        Assert.Equal(PurchaseOutcomeKind.Credited, second.Kind);
        Assert.Equal(4, (await EntriesAsync(account)).Count);
        var status = await Payments.GetPurchaseAsync(account, PaymentKeys.DevPurchaseRef(request.PurchaseId), Ct);
        Assert.Equal((true, package.Credits), (status!.Credited, status.Credits));
    }

    [Fact]
    public async Task AutoRecharge_InDevelopmentMode_GrantsAtOnce_WithTheKeyOfItsRechargeSequence()
    {
        var (account, _, _) = await app.CreateCustomerAsync(Money.FromDollars(4));
        var accounts = app.Services.GetRequiredService<PaymentAccounts>();
        Assert.Null(await accounts.SetAutoRechargeAsync(account, new AutoRechargeChange(true, Money.FromDollars(10), Money.FromDollars(25), Money.FromDollars(50)), Ct));

        await Task.WhenAll(Payments.RunAutoRechargeAsync(Ct), Payments.RunAutoRechargeAsync(Ct));
        await Payments.RunAutoRechargeAsync(Ct);

        var recharge = Assert.Single(await EntriesAsync(account), e => e.Type == EntryTypes.AutoRecharge);
        Assert.Equal((Money.FromDollars(25).Units, EntrySources.System, PaymentKeys.AutoRechargeAttempt(account, 1)),
            (recharge.Amount, recharge.Source, recharge.IdempotencyKey));
        Assert.Contains("development mode", recharge.Description);
        var settings = await accounts.GetAutoRechargeAsync(account, Ct);
        Assert.False(settings!.InFlight);
        await accounts.SetAutoRechargeAsync(account, new AutoRechargeChange(false, Money.FromDollars(10), Money.FromDollars(25), null), Ct);
    }

    [Fact]
    public async Task Webhook_OnTheRealApp_VerifiesWithTheDevelopmentSecret_AndCreditsATestModePurchase()
    {
        var (account, _, _) = await app.CreateCustomerAsync(Money.Zero);
        var cs = $"cs_test_dev{Guid.NewGuid():N}";
        var pi = $"pi_dev{Guid.NewGuid():N}";
        var session = StripeObjects.Session(cs, StripeObjects.PurchaseMetadata(account, 2000, 100), 2100, "cus_dev", "paid", pi);
        var payload = StripeObjects.Event(EventTypes.CheckoutSessionCompleted, session);

        var refused = await DeliverAsync(payload, "whsec_not_the_dev_secret");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await EntriesAsync(account));

        // A refund that arrives before its purchase, with no Stripe API to ask: deferred (503), so Stripe retries it.
        var ch = $"ch_dev{Guid.NewGuid():N}";
        var charge = StripeObjects.Charge(ch, pi, 2100, 500, [StripeObjects.Refund($"re_dev{Guid.NewGuid():N}", ch, pi, 500, "succeeded", 1_800_000_001)]);
        var refund = StripeObjects.Event(EventTypes.ChargeRefunded, charge);
        var early = await DeliverAsync(refund);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
        Assert.Equal("retry_later", JsonDocument.Parse(await early.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("code").GetString());

        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(payload)).StatusCode);
        var retried = await DeliverAsync(refund); // Stripe's retry of the deferred event
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);

        Assert.Equal([(EntryTypes.Topup, Money.FromCents(2100).Units), (EntryTypes.PlatformFee, -Money.FromCents(100).Units), (EntryTypes.PaymentRefund, -Money.FromCents(500).Units)],
            (await EntriesAsync(account)).Select(e => (e.Type, e.Amount)));
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var refundEventId = JsonNode.Parse(refund)!["id"]!.GetValue<string>();
        var recorded = await db.PaymentEvents.AsNoTracking().SingleAsync(e => e.EventId == refundEventId, Ct);
        Assert.Equal((PaymentEventOutcomes.Processed, 2), (recorded.Outcome, recorded.Deliveries));
    }
}
