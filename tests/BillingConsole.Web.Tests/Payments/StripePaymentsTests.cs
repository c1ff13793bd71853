using System.Net;
using System.Text.Json.Nodes;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using Microsoft.Extensions.DependencyInjection;
using Stripe;

namespace BillingConsole.Web.Tests.Payments;

/// <summary>
/// What the console sends to Stripe through Stripe.net (Checkout, off-session recharges, refunds), asserted on the
/// requests the loopback fake received, and what reaches the ledger afterwards. SQLite and PostgreSQL.
/// </summary>
public abstract class StripePaymentsTests(PaymentsHost host)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static Money Cents(long c) => Money.FromCents(c);
    private PaymentAccounts Accounts => host.Services.GetRequiredService<PaymentAccounts>();

    private RecordedRequest[] SessionsCreatedFor(long account) =>
        host.Stripe.RequestsTo("POST", "/v1/checkout/sessions").Where(r => r.Fields.GetValueOrDefault("metadata[account_id]") == account.ToString()).ToArray();

    private RecordedRequest[] IntentsCreatedFor(long account) =>
        host.Stripe.RequestsTo("POST", "/v1/payment_intents").Where(r => r.Fields.GetValueOrDefault("metadata[account_id]") == account.ToString()).ToArray();

    private async Task DeliverOkAsync(string type, JsonObject obj)
    {
        var response = await host.DeliverAsync(StripeObjects.Event(type, obj), ct: Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Buy_WithStripe_CreatesTheCustomerAndACheckoutSession_WithTheFieldsStripeNeeds_AndCreditsNothing()
    {
        host.Db.RequireAvailable();
        var account = await host.NewAccountAsync(email: "buyer@example.test");
        var request = host.Payments.NewPurchase(account, "standard");

        var outcome = await host.Payments.BuyAsync(request, "https://console.test", "user:7", Ct);

        Assert.Equal(PurchaseOutcomeKind.Redirect, outcome.Kind);
        Assert.Equal($"https://checkout.stripe.test/c/pay/{outcome.RefId}", outcome.RedirectUrl);
        var customer = Assert.Single(host.Stripe.RequestsTo("POST", "/v1/customers"), r => r.Fields.GetValueOrDefault("metadata[account_id]") == account.ToString());
        Assert.Equal(($"customer-{account}", "buyer@example.test"), (customer.IdempotencyKey, customer.Field("email")));
        var session = Assert.Single(SessionsCreatedFor(account));
        var customerId = (await host.AccountAsync(account)).PaymentCustomerId;
        Assert.StartsWith("cus_", customerId);
        var expected = new Dictionary<string, string>
        {
            ["mode"] = "payment",
            ["customer"] = customerId!,
            ["client_reference_id"] = account.ToString(),
            ["line_items[0][quantity]"] = "1",
            ["line_items[0][price_data][currency]"] = "usd",
            ["line_items[0][price_data][unit_amount]"] = "5000",
            ["line_items[0][price_data][product_data][name]"] = "Standard: $50.00 in credits",
            ["line_items[1][quantity]"] = "1",
            ["line_items[1][price_data][currency]"] = "usd",
            ["line_items[1][price_data][unit_amount]"] = "250",
            ["line_items[1][price_data][product_data][name]"] = "Platform fee (5% fee)",
            ["metadata[account_id]"] = account.ToString(),
            ["metadata[package_id]"] = "standard",
            ["metadata[purchase_id]"] = request.PurchaseId.ToString("N"),
            ["metadata[credits_cents]"] = "5000",
            ["metadata[fee_cents]"] = "250",
            ["payment_intent_data[metadata][account_id]"] = account.ToString(),
            ["payment_intent_data[metadata][kind]"] = "checkout",
            ["payment_intent_data[setup_future_usage]"] = "off_session",
            ["success_url"] = "https://console.test/billing/checkout/success?session_id={CHECKOUT_SESSION_ID}",
            ["cancel_url"] = "https://console.test/billing/checkout/cancel",
        };
        foreach (var (name, value) in expected)
            Assert.True(session.Fields.GetValueOrDefault(name) == value, $"{name}: expected '{value}', sent '{session.Fields.GetValueOrDefault(name)}'");
        Assert.False(session.Fields.ContainsKey("line_items[2][quantity]"));
        Assert.Equal($"checkout-{request.PurchaseId:N}", session.IdempotencyKey);
        Assert.Equal(StripeConfiguration.ApiVersion, session.StripeVersion);
        Assert.Equal("Bearer sk_test_x", session.Authorization);
        Assert.Empty(await host.EntriesAsync(account)); // the ledger waits for the webhook
    }

    [Fact]
    public async Task Buy_SameRequestTwice_GetsTheSameSession_AndANewPurchaseReusesTheCustomer()
    {
        host.Db.RequireAvailable();
        var account = await host.NewAccountAsync();
        var request = host.Payments.NewPurchase(account, "fixed");

        var outcomes = await Task.WhenAll(host.Payments.BuyAsync(request, "https://console.test/", "tests", Ct),
            host.Payments.BuyAsync(request, "https://console.test/", "tests", Ct));
        var again = await host.Payments.BuyAsync(host.Payments.NewPurchase(account, "fixed"), "https://console.test/", "tests", Ct);

        Assert.Equal(outcomes[0].RefId, outcomes[1].RefId);
        Assert.NotEqual(outcomes[0].RefId, again.RefId);
        var sessions = SessionsCreatedFor(account);
        Assert.Equal(3, sessions.Length);
        Assert.Equal(2, sessions.Select(s => s.IdempotencyKey).Distinct().Count());
        Assert.Single(sessions.Select(s => s.Field("customer")).Distinct());
        Assert.Single(host.Stripe.RequestsTo("POST", "/v1/customers").Where(r => r.Fields.GetValueOrDefault("metadata[account_id]") == account.ToString())
            .Select(r => r.IdempotencyKey).Distinct());
    }

    [Fact]
    public async Task Buy_WhenStripeIsDown_FailsWithAUserSafeMessage_AndAnUnknownPackageIsRefused()
    {
        host.Db.RequireAvailable();
        var account = await host.NewAccountAsync();
        host.Stripe.Down = true;
        try
        {
            var outcome = await host.Payments.BuyAsync(host.Payments.NewPurchase(account, "standard"), "https://console.test/", "tests", Ct);
            Assert.Equal(PurchaseOutcomeKind.Failed, outcome.Kind);
            Assert.Contains("couldn't reach our payment provider", outcome.Message);
        }
        finally
        {
            host.Stripe.Down = false;
        }
        var unknown = await host.Payments.BuyAsync(host.Payments.NewPurchase(account, "gold"), "https://console.test/", "tests", Ct);
        Assert.Equal(PurchaseOutcomeKind.Failed, unknown.Kind);
        Assert.Empty(SessionsCreatedFor(account));
    }

    [Fact]
    public async Task GetPurchase_ShowsStripesStateUntilTheWebhookCredits_ThenTheLedgers_AndOnlyToItsAccount()
    {
        host.Db.RequireAvailable();
        var account = await host.NewAccountAsync();
        var outcome = await host.Payments.BuyAsync(host.Payments.NewPurchase(account, "standard"), "https://console.test/", "tests", Ct);
        var cs = outcome.RefId!;

        var open = await host.Payments.GetPurchaseAsync(account, cs, Ct);
        Assert.Equal((false, "open", "unpaid"), (open!.Credited, open.Checkout!.Status, open.Checkout.PaymentStatus));
        Assert.Null(await host.Payments.GetPurchaseAsync(await host.NewAccountAsync(), cs, Ct));

        await DeliverOkAsync(EventTypes.CheckoutSessionCompleted, host.Stripe.PaySession(cs));
        var done = await host.Payments.GetPurchaseAsync(account, cs, Ct);
        Assert.Equal((true, Cents(5250), Cents(250), Cents(5000), Cents(5000)), (done!.Credited, done.Paid, done.Fee, done.Credits, done.Balance));
    }

    [Fact]
    public async Task RefundPurchase_AsksStripeOnce_AndTheLedgerWaitsForChargeRefunded()
    {
        host.Db.RequireAvailable();
        var account = await host.NewAccountAsync();
        var outcome = await host.Payments.BuyAsync(host.Payments.NewPurchase(account, "standard"), "https://console.test/", "tests", Ct);
        var cs = outcome.RefId!;
        var session = host.Stripe.PaySession(cs);
        await DeliverOkAsync(EventTypes.CheckoutSessionCompleted, session);
        var request = new RefundRequest(Guid.NewGuid(), account, cs, Money.FromDollars(20), "admin:1");

        var first = await host.Payments.RefundPurchaseAsync(request, Ct);
        var retried = await host.Payments.RefundPurchaseAsync(request, Ct);

        Assert.True(first.Succeeded, first.Message);
        Assert.Equal(first.ObjectId, retried.ObjectId);
        var sent = host.Stripe.RequestsTo("POST", "/v1/refunds").Where(r => r.IdempotencyKey == $"refund-{request.RequestId:N}").ToArray();
        Assert.Equal(2, sent.Length);
        Assert.Equal(((string)session["payment_intent"]!, "2000", account.ToString(), cs, "admin:1"),
            (sent[0].Field("payment_intent"), sent[0].Field("amount"), sent[0].Field("metadata[account_id]"), sent[0].Field("metadata[purchase]"), sent[0].Field("metadata[requested_by]")));
        var charge = host.Stripe.ChargeOf(cs);
        Assert.Single(host.Stripe.RefundsOfCharge((string)charge["id"]!));
        Assert.Equal(Cents(5000).Units, (await host.AccountAsync(account)).Balance);

        charge.Remove("refunds");
        await DeliverOkAsync(EventTypes.ChargeRefunded, charge);
        var refund = Assert.Single(await host.EntriesAsync(account), e => e.Type == EntryTypes.PaymentRefund);
        Assert.Equal((-Cents(2000).Units, first.ObjectId), (refund.Amount, refund.RefId));

        Assert.False((await host.Payments.RefundPurchaseAsync(request with { RequestId = Guid.NewGuid(), Amount = Cents(5251) }, Ct)).Succeeded);
        Assert.False((await host.Payments.RefundPurchaseAsync(request with { RequestId = Guid.NewGuid(), AccountId = await host.NewAccountAsync() }, Ct)).Succeeded);
        Assert.False((await host.Payments.RefundPurchaseAsync(request with { RequestId = Guid.NewGuid(), PurchaseRef = "dev_123" }, Ct)).Succeeded);
    }

    private async Task<long> RechargeableAccountAsync(Money balance, string card = "pm_card_visa", Money? cap = null)
    {
        var account = await host.NewAccountAsync(balance);
        await Accounts.SetCustomerIfEmptyAsync(account, $"cus_recharge{account}", Ct);
        await Accounts.SaveCardAsync(account, new SavedCard(card, "visa", "4242"), ct: Ct);
        Assert.Null(await Accounts.SetAutoRechargeAsync(account, new AutoRechargeChange(true, Money.FromDollars(10), Money.FromDollars(25), cap), Ct));
        return account;
    }

    [Fact]
    public async Task AutoRecharge_BelowTheThreshold_CreatesOneOffSessionPaymentIntent_CreditedOnlyByTheWebhook()
    {
        host.Db.RequireAvailable();
        var account = await RechargeableAccountAsync(Money.FromDollars(5), cap: Money.FromDollars(100));

        await Task.WhenAll(host.Payments.RunAutoRechargeAsync(Ct), host.Payments.RunAutoRechargeAsync(Ct));
        await host.Payments.RunAutoRechargeAsync(Ct); // still in flight: nothing new

        var sent = Assert.Single(IntentsCreatedFor(account));
        var expected = new Dictionary<string, string>
        {
            ["amount"] = "2500", ["currency"] = "usd", ["customer"] = $"cus_recharge{account}", ["payment_method"] = "pm_card_visa",
            ["off_session"] = "true", ["confirm"] = "true", ["metadata[kind]"] = "auto_recharge", ["metadata[sequence]"] = "1",
        };
        foreach (var (name, value) in expected)
            Assert.True(sent.Fields.GetValueOrDefault(name) == value, $"{name}: expected '{value}', sent '{sent.Fields.GetValueOrDefault(name)}'");
        Assert.Equal(PaymentKeys.AutoRechargeAttempt(account, 1), sent.IdempotencyKey);
        Assert.Equal(Money.FromDollars(5).Units, (await host.AccountAsync(account)).Balance);

        var intent = host.Stripe.Get(Assert.Single(host.Stripe.IntentsOf(account)));
        await DeliverOkAsync(EventTypes.PaymentIntentSucceeded, intent);
        await DeliverOkAsync(EventTypes.PaymentIntentSucceeded, intent);
        var state = await host.AccountAsync(account);
        Assert.Equal((Money.FromDollars(30).Units, 1L, (DateTime?)null), (state.Balance, state.AutoRechargeSequence, state.AutoRechargePendingAt));
        Assert.Single(await host.EntriesAsync(account), e => e.Type == EntryTypes.AutoRecharge && e.Amount == Money.FromDollars(25).Units);
        await host.Payments.RunAutoRechargeAsync(Ct);
        Assert.Single(IntentsCreatedFor(account)); // above the threshold now
        await host.Db.ExecuteSqlAsync($"UPDATE accounts SET auto_recharge_amount = NULL WHERE id = {account}");
    }

    [Fact]
    public async Task AutoRecharge_AttemptLeftUnconfirmed_IsSentAgainWithTheSameIdempotencyKey_SoACrashCannotChargeTwice()
    {
        host.Db.RequireAvailable();
        var account = await RechargeableAccountAsync(Money.FromDollars(1));
        // A worker claimed attempt 1 and died before (or while) calling Stripe.
        Assert.Equal(1L, await Accounts.ClaimAsync(account, 0, Ct));
        await host.Payments.RunAutoRechargeAsync(Ct);
        Assert.Empty(IntentsCreatedFor(account)); // in flight for less than AutoRechargeRetryAfter: left alone

        await host.SetPendingSinceAsync(account, DateTime.UtcNow.AddMinutes(-10));
        await host.Payments.RunAutoRechargeAsync(Ct);
        await host.SetPendingSinceAsync(account, DateTime.UtcNow.AddMinutes(-10));
        await host.Payments.RunAutoRechargeAsync(Ct); // still unconfirmed: sent again

        var sent = IntentsCreatedFor(account);
        Assert.Equal(2, sent.Length);
        Assert.All(sent, r => Assert.Equal(PaymentKeys.AutoRechargeAttempt(account, 1), r.IdempotencyKey));
        await DeliverOkAsync(EventTypes.PaymentIntentSucceeded, host.Stripe.Get(Assert.Single(host.Stripe.IntentsOf(account))));
        Assert.Single(await host.EntriesAsync(account), e => e.Type == EntryTypes.AutoRecharge);
        Assert.Null((await host.AccountAsync(account)).AutoRechargePendingAt);
        await host.Db.ExecuteSqlAsync($"UPDATE accounts SET auto_recharge_amount = NULL WHERE id = {account}");
    }

    [Fact]
    public async Task AutoRecharge_Declined_StoresTheReasonAndCountsOneFailure_AndTheCapHoldsBackTheRest()
    {
        host.Db.RequireAvailable();
        var declined = await RechargeableAccountAsync(Money.FromDollars(2), card: FakeStripe.DecliningCard);
        var capped = await RechargeableAccountAsync(Money.FromDollars(2), cap: Money.FromDollars(30));
        Assert.True((await host.Ledger.PostAsync(new PostRequest(capped, EntryTypes.AutoRecharge, Money.FromDollars(25), "earlier this month",
            BillingConsole.Accounting.Payments.PaymentPostings.WebhookOrigin(BillingConsole.Web.Payments.StripeFacts.Provider), "pi_earlier", $"stripe:pi_earlier{capped}:auto_recharge"), Ct)).Succeeded);
        await host.Ledger.PostAsync(new PostRequest(capped, EntryTypes.UsageDebit, -Money.FromDollars(25), "usage", new Origin(EntrySources.System, "tests")), Ct);

        await host.Payments.RunAutoRechargeAsync(Ct);

        var state = await host.AccountAsync(declined);
        Assert.True(state.AutoRechargeEnabled); // one decline of three (AutoRechargeStripeTests turns it off)
        Assert.Equal(1, state.AutoRechargeFailures);
        Assert.Contains("declined", state.AutoRechargeFailure);
        Assert.Null(state.AutoRechargePendingAt);
        Assert.Single(IntentsCreatedFor(declined));
        Assert.DoesNotContain(await host.EntriesAsync(declined), x => x.Type == EntryTypes.AutoRecharge);
        Assert.Empty(IntentsCreatedFor(capped)); // $25 + $25 would pass the $30 cap
        Assert.Null(await Accounts.SetAutoRechargeAsync(declined, new AutoRechargeChange(true, Money.FromDollars(10), Money.FromDollars(25), null), Ct));
        Assert.Null((await host.AccountAsync(declined)).AutoRechargeFailure); // turning it on again clears the reason
        await host.Db.ExecuteSqlAsync($"UPDATE accounts SET auto_recharge_amount = NULL WHERE id IN ({declined}, {capped})");
    }
}

public sealed class SqliteStripePaymentsTests(SqlitePaymentsHost host) : StripePaymentsTests(host), IClassFixture<SqlitePaymentsHost>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresStripePaymentsTests(PostgresPaymentsHost host) : StripePaymentsTests(host), IClassFixture<PostgresPaymentsHost>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerStripePaymentsTests(SqlServerPaymentsHost host) : StripePaymentsTests(host), IClassFixture<SqlServerPaymentsHost>;
