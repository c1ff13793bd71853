using System.Net;
using System.Text.Json.Nodes;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stripe;

namespace BillingConsole.Web.Tests.Payments;

/// <summary>
/// Auto-recharge as a customer controls it, against the loopback fake Stripe: saving a card through Checkout (setup
/// mode, or a purchase), removing it, failures counted to three, the monthly cap, a webhook storm, and custom top-up
/// amounts. Every test turns its accounts' auto-recharge off at the end: the worker pass sees the whole database.
/// </summary>
public abstract class AutoRechargeStripeTests(PaymentsHost host)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private PaymentAccounts Accounts => host.Services.GetRequiredService<PaymentAccounts>();
    private AutoRechargeControls Controls => host.Services.GetRequiredService<AutoRechargeControls>();

    private async Task DeliverOkAsync(string type, JsonObject obj)
    {
        var response = await host.DeliverAsync(StripeObjects.Event(type, obj), ct: Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    private RecordedRequest[] IntentsCreatedFor(long account) =>
        host.Stripe.RequestsTo("POST", "/v1/payment_intents").Where(r => r.Fields.GetValueOrDefault("metadata[account_id]") == account.ToString()).ToArray();

    private async Task<long> RechargeableAsync(Money balance, string card = "pm_card_visa", Money? cap = null)
    {
        var account = await host.NewAccountAsync(balance);
        await Accounts.SetCustomerIfEmptyAsync(account, $"cus_ar{account}", Ct);
        await Accounts.SaveCardAsync(account, new SavedCard(card, "visa", "4242"), ct: Ct);
        Assert.Null(await Controls.SetAsync(account, new AutoRechargeChange(true, Money.FromDollars(10), Money.FromDollars(25), cap), Ct));
        return account;
    }

    private Task StopAsync(params long[] accounts) =>
        host.Db.ExecuteSqlAsync($"UPDATE accounts SET auto_recharge_amount = NULL WHERE id IN ({string.Join(", ", accounts)})");

    /// <summary>As if the last attempt had been made before the failure backoff (an hour) ran out.</summary>
    private async Task BackdateLastAttemptAsync(long account)
    {
        await using var db = await host.Db.Factory.CreateDbContextAsync(Ct);
        await db.Accounts.Where(a => a.Id == account).ExecuteUpdateAsync(s => s.SetProperty(a => a.AutoRechargeLastAttemptAt, DateTime.UtcNow.AddHours(-2)), Ct);
    }

    [Fact]
    public async Task StartCardSetup_SetupModeCheckout_WebhookStoresBrandAndLast4_AndASecondSetupReplacesAndDetachesTheOld()
    {
        host.Db.RequireAvailable();
        var account = await host.NewAccountAsync();
        var requestId = Guid.NewGuid();

        var started = await Controls.StartCardSetupAsync(requestId, account, "https://console.test", Ct);

        Assert.Equal(PurchaseOutcomeKind.Redirect, started.Kind);
        var sent = Assert.Single(host.Stripe.RequestsTo("POST", "/v1/checkout/sessions"), r => r.Fields.GetValueOrDefault("metadata[account_id]") == account.ToString());
        Assert.Equal(("setup", "usd", "card_setup", account.ToString(), $"card-setup-{requestId:N}", "https://console.test/billing?card=saved"),
            (sent.Field("mode"), sent.Field("currency"), sent.Field("metadata[kind]"), sent.Field("setup_intent_data[metadata][account_id]"),
                sent.IdempotencyKey, sent.Field("success_url")));
        Assert.Equal((await host.AccountAsync(account)).PaymentCustomerId, sent.Field("customer"));
        Assert.Null((await Controls.GetAsync(account, Ct))!.Settings.Card); // only the webhook saves it

        var completed = host.Stripe.CompleteSetupSession(started.RefId!, "pm_card_mastercard");
        await DeliverOkAsync(EventTypes.CheckoutSessionCompleted, completed);
        await DeliverOkAsync(EventTypes.CheckoutSessionCompleted, completed);
        var card = (await Controls.GetAsync(account, Ct))!.Settings.Card;
        Assert.Equal(new SavedCard("pm_card_mastercard", "mastercard", "4444"), card);
        Assert.Equal("Mastercard •••• 4444", card!.Display);
        Assert.Empty(await host.EntriesAsync(account)); // saving a card moves no money
        var report = await host.Services.GetRequiredService<ReconciliationReports>().GetAsync(DateTime.UtcNow.AddDays(-1), DateTime.UtcNow.AddDays(1), Ct);
        Assert.DoesNotContain(report.ProviderWithoutLedger, i => i.ObjectId == started.RefId); // not a purchase waiting to be credited

        var second = await Controls.StartCardSetupAsync(Guid.NewGuid(), account, "https://console.test", Ct);
        await DeliverOkAsync(EventTypes.CheckoutSessionCompleted, host.Stripe.CompleteSetupSession(second.RefId!, "pm_card_visa"));
        Assert.Equal(new SavedCard("pm_card_visa", "visa", "4242"), (await Controls.GetAsync(account, Ct))!.Settings.Card);
        Assert.Contains("pm_card_mastercard", host.Stripe.Detached);
    }

    [Fact]
    public async Task Purchase_PaidWithSetupFutureUsage_SavesItsCardOnlyWhenNoneIsSaved()
    {
        host.Db.RequireAvailable();
        var account = await host.NewAccountAsync();
        var buy = await host.Payments.BuyAsync(host.Payments.NewPurchase(account, "standard"), "https://console.test", "tests", Ct);
        await DeliverOkAsync(EventTypes.CheckoutSessionCompleted, host.Stripe.PaySession(buy.RefId!));
        Assert.Equal(new SavedCard("pm_card_visa", "visa", "4242"), (await Controls.GetAsync(account, Ct))!.Settings.Card);

        var other = await host.NewAccountAsync();
        await Accounts.SaveCardAsync(other, new SavedCard("pm_card_mastercard", "mastercard", "4444"), ct: Ct);
        var buyOther = await host.Payments.BuyAsync(host.Payments.NewPurchase(other, "standard"), "https://console.test", "tests", Ct);
        await DeliverOkAsync(EventTypes.CheckoutSessionCompleted, host.Stripe.PaySession(buyOther.RefId!));
        Assert.Equal("pm_card_mastercard", (await Controls.GetAsync(other, Ct))!.Settings.Card!.Id);
    }

    [Fact]
    public async Task SetAndRemoveCard_EnableWithoutACardIsRefused_RemovingTurnsItOffAndDetachesTheCard()
    {
        host.Db.RequireAvailable();
        var bare = await host.NewAccountAsync();
        var refused = await Controls.SetAsync(bare, new AutoRechargeChange(true, Money.FromDollars(10), Money.FromDollars(25), null), Ct);
        Assert.Equal(PaymentAccounts.NoCard, refused);
        var untouched = await host.AccountAsync(bare);
        Assert.Equal((false, (long?)null, (long?)null), (untouched.AutoRechargeEnabled, untouched.AutoRechargeThreshold, untouched.AutoRechargeAmount));
        Assert.NotNull(await Controls.SetAsync(bare, new AutoRechargeChange(false, Money.FromDollars(10), Money.FromCents(499), null), Ct));
        Assert.NotNull(await Controls.SetAsync(bare, new AutoRechargeChange(false, Money.FromDollars(10), Money.FromCents(1_000_001), null), Ct));

        var account = await RechargeableAsync(Money.FromDollars(50));
        var removed = await Controls.RemoveCardAsync(account, Ct);

        Assert.True(removed.Succeeded, removed.Message);
        var state = await host.AccountAsync(account);
        Assert.Equal((false, (string?)null, (string?)null), (state.AutoRechargeEnabled, state.SavedCardId, state.PaymentMethodLast4));
        Assert.Contains("pm_card_visa", host.Stripe.Detached);
        Assert.False((await Controls.RemoveCardAsync(account, Ct)).Succeeded);
        await StopAsync(account);
    }

    [Fact]
    public async Task AutoRecharge_FourWorkersRacing_ChargeOnce_AndTheStatusShowsTheAttemptAndTheMonthTotal()
    {
        host.Db.RequireAvailable();
        var account = await RechargeableAsync(Money.FromDollars(4), cap: Money.FromDollars(60));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => host.Payments.RunAutoRechargeAsync(Ct)));

        Assert.Single(IntentsCreatedFor(account));
        var pending = (await Controls.GetAsync(account, Ct))!;
        Assert.Equal((AutoRechargeOutcomes.Pending, Money.FromDollars(25)), (pending.Settings.LastAttempt!.Outcome, pending.Settings.LastAttempt.Amount));
        await DeliverOkAsync(EventTypes.PaymentIntentSucceeded, host.Stripe.Get(Assert.Single(host.Stripe.IntentsOf(account))));
        var done = (await Controls.GetAsync(account, Ct))!;
        Assert.Equal((AutoRechargeOutcomes.Succeeded, Money.FromDollars(25), 0), (done.Settings.LastAttempt!.Outcome, done.RechargedThisMonth, done.Settings.ConsecutiveFailures));
        Assert.Equal(Money.FromDollars(29).Units, (await host.AccountAsync(account)).Balance);
        await StopAsync(account);
    }

    [Fact]
    public async Task AutoRecharge_MonthlyCap_StopsRechargesThatWouldPassIt()
    {
        host.Db.RequireAvailable();
        var account = await RechargeableAsync(Money.FromDollars(5), cap: Money.FromDollars(50));
        for (var round = 0; round < 3; round++)
        {
            await host.Payments.RunAutoRechargeAsync(Ct);
            foreach (var pi in host.Stripe.IntentsOf(account))
                await DeliverOkAsync(EventTypes.PaymentIntentSucceeded, host.Stripe.Get(pi));
            // Spend it again so the balance is below the threshold for the next round.
            await host.Ledger.PostAsync(new PostRequest(account, EntryTypes.UsageDebit, -Money.FromDollars(25), "usage", new Origin(EntrySources.System, "tests")), Ct);
        }

        Assert.Equal(2, IntentsCreatedFor(account).Length); // $25 + $25 reach the $50 cap; a third would pass it
        var status = (await Controls.GetAsync(account, Ct))!;
        Assert.Equal((Money.FromDollars(50), Money.FromDollars(50)), (status.RechargedThisMonth, status.Settings.MonthlyCap!.Value));
        Assert.Equal(2, (await host.EntriesAsync(account)).Count(e => e.Type == EntryTypes.AutoRecharge));
        await StopAsync(account);
    }

    [Fact]
    public async Task AutoRecharge_ThreeDeclinesInARow_TurnItOff_OneDeclineReportedTwiceCountsOnce_AndTheReasonIsInPlainWords()
    {
        host.Db.RequireAvailable();
        var account = await RechargeableAsync(Money.FromDollars(2), card: FakeStripe.DecliningCard);

        await host.Payments.RunAutoRechargeAsync(Ct);
        var declined = host.Stripe.Get(Assert.Single(host.Stripe.IntentsOf(account)));
        declined["last_payment_error"] = new JsonObject { ["type"] = "card_error", ["code"] = "card_declined", ["decline_code"] = "insufficient_funds", ["message"] = "Your card was declined." };
        await DeliverOkAsync(EventTypes.PaymentIntentPaymentFailed, declined); // the same attempt's event: not a second failure
        var first = (await Controls.GetAsync(account, Ct))!;
        Assert.Equal((true, 1, AutoRechargeOutcomes.Failed), (first.Settings.Enabled, first.Settings.ConsecutiveFailures, first.Settings.LastAttempt!.Outcome));
        Assert.Equal("The card was declined: not enough funds.", first.Settings.LastAttempt.Reason);
        await host.Payments.RunAutoRechargeAsync(Ct);
        Assert.Single(IntentsCreatedFor(account)); // within the backoff: not charged again at once

        for (var i = 2; i <= 3; i++)
        {
            await BackdateLastAttemptAsync(account);
            await host.Payments.RunAutoRechargeAsync(Ct);
            Assert.Equal(i, IntentsCreatedFor(account).Length);
        }
        var off = (await Controls.GetAsync(account, Ct))!;
        Assert.Equal((false, 3, true), (off.Settings.Enabled, off.Settings.ConsecutiveFailures, off.TurnedOffByFailures));
        await BackdateLastAttemptAsync(account);
        await host.Payments.RunAutoRechargeAsync(Ct);
        Assert.Equal(3, IntentsCreatedFor(account).Length);
        Assert.DoesNotContain(await host.EntriesAsync(account), e => e.Type == EntryTypes.AutoRecharge);
        await StopAsync(account);
    }

    [Fact]
    public async Task AutoRecharge_AuthenticationRequiredThenANewCard_CountsAFailureThenASuccessResetsTheCount()
    {
        host.Db.RequireAvailable();
        var account = await RechargeableAsync(Money.FromDollars(2), card: FakeStripe.AuthenticationCard);
        await host.Payments.RunAutoRechargeAsync(Ct);
        var failed = (await Controls.GetAsync(account, Ct))!.Settings;
        Assert.Equal(1, failed.ConsecutiveFailures);
        Assert.Contains("confirm this payment", failed.LastAttempt!.Reason);

        await Accounts.SaveCardAsync(account, new SavedCard("pm_card_visa", "visa", "4242"), ct: Ct);
        await BackdateLastAttemptAsync(account);
        await host.Payments.RunAutoRechargeAsync(Ct);
        var ok = host.Stripe.IntentsOf(account).Select(host.Stripe.Get).Single(pi => (string?)pi["status"] == "succeeded");
        await DeliverOkAsync(EventTypes.PaymentIntentSucceeded, ok);

        var after = (await Controls.GetAsync(account, Ct))!.Settings;
        Assert.Equal((true, 0, AutoRechargeOutcomes.Succeeded, (string?)null), (after.Enabled, after.ConsecutiveFailures, after.LastAttempt!.Outcome, after.LastFailure));
        await StopAsync(account);
    }

    [Fact]
    public async Task AutoRecharge_WebhookStorm_TwentyConcurrentDeliveriesOfTheSucceededEvent_CreditOnce()
    {
        host.Db.RequireAvailable();
        var account = await RechargeableAsync(Money.FromDollars(3));
        await host.Payments.RunAutoRechargeAsync(Ct);
        var intent = host.Stripe.Get(Assert.Single(host.Stripe.IntentsOf(account)));
        var sameEvent = StripeObjects.Event(EventTypes.PaymentIntentSucceeded, intent);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => host.DeliverAsync(
            i % 2 == 0 ? sameEvent : StripeObjects.Event(EventTypes.PaymentIntentSucceeded, intent), ct: Ct)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(await host.EntriesAsync(account), e => e.Type == EntryTypes.AutoRecharge);
        Assert.Equal(Money.FromDollars(28).Units, (await host.AccountAsync(account)).Balance);
        await StopAsync(account);
    }

    [Fact]
    public async Task BuyCustom_WithinTheBounds_ChargesCreditsPlusTheFeeShownBefore_AndOutOfBoundsAmountsAreRefusedServerSide()
    {
        host.Db.RequireAvailable();
        var account = await host.NewAccountAsync();
        var quote = host.Payments.QuoteCustom(Money.FromCents(1234))!;
        Assert.Equal((1234L, 62L, 1296L), (quote.CreditsCents, quote.FeeCents, quote.TotalCents)); // 5% of $12.34 rounds half up to 62¢

        var buy = await host.Payments.BuyAsync(host.Payments.NewCustomPurchase(account, Money.FromCents(1234)), "https://console.test", "tests", Ct);

        Assert.Equal(PurchaseOutcomeKind.Redirect, buy.Kind);
        var sent = Assert.Single(host.Stripe.RequestsTo("POST", "/v1/checkout/sessions"), r => r.Fields.GetValueOrDefault("metadata[account_id]") == account.ToString());
        Assert.Equal(("1234", "62", "custom"), (sent.Field("line_items[0][price_data][unit_amount]"), sent.Field("line_items[1][price_data][unit_amount]"), sent.Field("metadata[package_id]")));
        await DeliverOkAsync(EventTypes.CheckoutSessionCompleted, host.Stripe.PaySession(buy.RefId!));
        Assert.Equal(Money.FromCents(1234).Units, (await host.AccountAsync(account)).Balance);

        foreach (var bad in new[] { Money.FromCents(499), Money.FromCents(1_000_001), new Money(Money.FromCents(1000).Units + 1) })
        {
            Assert.Null(host.Payments.QuoteCustom(bad));
            var refused = await host.Payments.BuyAsync(host.Payments.NewCustomPurchase(account, bad), "https://console.test", "tests", Ct);
            Assert.Equal(PurchaseOutcomeKind.Failed, refused.Kind);
            Assert.Contains("$5.00", refused.Message);
        }
        Assert.Single(host.Stripe.RequestsTo("POST", "/v1/checkout/sessions"), r => r.Fields.GetValueOrDefault("metadata[account_id]") == account.ToString());
    }
}

public sealed class SqliteAutoRechargeStripeTests(SqlitePaymentsHost host) : AutoRechargeStripeTests(host), IClassFixture<SqlitePaymentsHost>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresAutoRechargeStripeTests(PostgresPaymentsHost host) : AutoRechargeStripeTests(host), IClassFixture<PostgresPaymentsHost>;
