using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using Microsoft.Extensions.DependencyInjection;
using Stripe;

namespace BillingConsole.Web.Tests.Payments;

/// <summary>
/// POST /stripe/webhook end to end: payloads signed like Stripe's, delivered over HTTP to the real endpoint, asserting
/// the exact ledger afterwards. Runs on SQLite and PostgreSQL (see the classes at the bottom).
/// </summary>
public abstract class StripeWebhookTests(PaymentsHost host) : PaymentsTest(host)
{
    private readonly PaymentsHost host = host;

    [Fact]
    public async Task CheckoutCompleted_Paid_CreditsTopupAndFee_ExactlyOnce()
    {
        var (account, session) = await PaidCheckoutAsync();
        var cs = (string)session["id"]!;
        var payload = StripeObjects.Event(EventTypes.CheckoutSessionCompleted, session);

        await OkAsync(await host.DeliverAsync(payload, ct: Ct), "processed");
        await OkAsync(await host.DeliverAsync(payload, ct: Ct), "processed"); // same event again: answered from stripe_events
        // Stripe may also send a second event for the same session (another event id): still credited once.
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.CheckoutSessionCompleted, session), ct: Ct), "processed");

        var entries = await host.EntriesAsync(account);
        Assert.Equal(2, entries.Count);
        var (topup, fee) = (entries[0], entries[1]);
        Assert.Equal((EntryTypes.Topup, Cents(5250).Units, cs, PaymentKeys.Topup(BillingConsole.Web.Payments.StripeFacts.Provider, cs), EntrySources.PaymentWebhook),
            (topup.Type, topup.Amount, topup.RefId, topup.IdempotencyKey, topup.Source));
        Assert.Equal((EntryTypes.PlatformFee, -Cents(250).Units, cs, PaymentKeys.Fee(BillingConsole.Web.Payments.StripeFacts.Provider, cs), EntrySources.PaymentWebhook),
            (fee.Type, fee.Amount, fee.RefId, fee.IdempotencyKey, fee.Source));
        Assert.Equal(Cents(5000).Units, (await host.AccountAsync(account)).Balance);
        Assert.Contains(cs, topup.Description);

        var recorded = Assert.Single(await host.EventsAsync(JsonNode.Parse(payload)!["id"]!.GetValue<string>()));
        Assert.Equal((PaymentEventOutcomes.Processed, 2, cs, account, 5250L), (recorded.Outcome, recorded.Deliveries, recorded.ObjectId, recorded.AccountId, recorded.AmountCents));
        Assert.Equal((string?)session["payment_intent"], recorded.PaymentId);
        Assert.Equal(payload, recorded.Payload);
        await AssertInvariantsAsync(account);
    }

    [Fact]
    public async Task CheckoutCompleted_Unpaid_IsIgnored_UntilTheAsyncPaymentSucceeds()
    {
        host.Db.RequireAvailable();
        var account = await host.NewAccountAsync();
        var outcome = await host.Payments.BuyAsync(host.Payments.NewPurchase(account, "fixed"), "https://console.test/", "tests", Ct);
        var pending = host.Stripe.PaySession(outcome.RefId!, asyncPending: true);

        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.CheckoutSessionCompleted, pending), ct: Ct), "ignored");
        Assert.Empty(await host.EntriesAsync(account));

        var paid = host.Stripe.SettleAsyncSession(outcome.RefId!);
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.CheckoutSessionAsyncPaymentSucceeded, paid), ct: Ct), "processed");
        Assert.Equal([(EntryTypes.Topup, Cents(10199).Units), (EntryTypes.PlatformFee, -Cents(199).Units)],
            (await host.EntriesAsync(account)).Select(e => (e.Type, e.Amount)));
        Assert.Equal(Cents(10000).Units, (await host.AccountAsync(account)).Balance);
    }

    public static TheoryData<string> Refusals => ["tampered", "wrong_secret", "stale", "api_version", "missing_header", "livemode", "garbage_header"];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Delivery_FailingVerification_Is400ProblemJson_AndWritesNothing(string kind)
    {
        var (account, session) = await PaidCheckoutAsync();
        var eventId = $"evt_refused_{kind}_{Guid.NewGuid():N}"[..40];
        var payload = StripeObjects.Event(EventTypes.CheckoutSessionCompleted, session, eventId,
            apiVersion: kind == "api_version" ? "2025-03-31.basil" : null, livemode: kind == "livemode");
        var (body, signature) = kind switch
        {
            "tampered" => (payload.Replace("\"amount_total\":5250", "\"amount_total\":9999999"), StripeObjects.Sign(payload, PaymentsHost.WebhookSecret)),
            "wrong_secret" => (payload, StripeObjects.Sign(payload, "whsec_someone_else")),
            "stale" => (payload, StripeObjects.Sign(payload, PaymentsHost.WebhookSecret, DateTimeOffset.UtcNow.AddSeconds(-301))),
            "missing_header" => (payload, ""),
            "garbage_header" => (payload, "not a signature"),
            _ => (payload, StripeObjects.Sign(payload, PaymentsHost.WebhookSecret)),
        };
        Assert.True(kind != "tampered" || body != payload, "the tampered body must differ from the signed one");

        var response = await host.DeliverAsync(body, signature, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        var expected = kind switch { "api_version" => "unsupported_api_version", "livemode" => "livemode_mismatch", _ => "invalid_signature" };
        Assert.Equal(expected, problem.GetProperty("code").GetString());
        Assert.Empty(await host.EntriesAsync(account));
        Assert.Empty(await host.EventsAsync(eventId));
    }

    [Fact]
    public async Task UnknownEvent_Is200_RecordedAndIgnored()
    {
        host.Db.RequireAvailable();
        var payload = StripeObjects.Event("customer.created", new JsonObject { ["id"] = "cus_unknown1", ["object"] = "customer" });
        await OkAsync(await host.DeliverAsync(payload, ct: Ct), "ignored");
        var recorded = Assert.Single(await host.EventsAsync(JsonNode.Parse(payload)!["id"]!.GetValue<string>()));
        Assert.Equal(("customer.created", PaymentEventOutcomes.Ignored, "cus_unknown1"), (recorded.Type, recorded.Outcome, recorded.ObjectId));
        Assert.NotNull(recorded.ProcessedAt);
    }

    [Fact]
    public async Task EveryEvent_DeliveredThreeTimesConcurrently_ShuffledAcrossTypes_CreditsEachPaymentExactlyOnce()
    {
        host.Db.RequireAvailable();
        var payloads = new List<string>();
        var expected = new Dictionary<long, (long Balance, int Entries)>();
        for (var i = 0; i < 6; i++)
        {
            var (account, session) = await PaidCheckoutAsync(i % 2 == 0 ? "standard" : "fixed");
            var credits = i % 2 == 0 ? 5000 : 10000;
            var entries = 2;
            payloads.Add(StripeObjects.Event(EventTypes.CheckoutSessionCompleted, session));
            var charge = host.Stripe.ChargeOf((string)session["id"]!);
            var (ch, pi) = ((string)charge["id"]!, (string)charge["payment_intent"]!);
            switch (i % 3)
            {
                case 0:
                    var refunded = host.Stripe.Refund(ch, 1000);
                    refunded.Remove("refunds");
                    payloads.Add(StripeObjects.Event(EventTypes.ChargeRefunded, refunded));
                    (credits, entries) = (credits - 1000, entries + 1);
                    break;
                case 1:
                    var won = host.Stripe.NewId("dp");
                    payloads.Add(StripeObjects.Event(EventTypes.ChargeDisputeCreated, StripeObjects.Dispute(won, ch, pi, 2000, "needs_response")));
                    payloads.Add(StripeObjects.Event(EventTypes.ChargeDisputeClosed, StripeObjects.Dispute(won, ch, pi, 2000, "won")));
                    entries += 2;
                    break;
                default:
                    var lost = host.Stripe.NewId("dp");
                    payloads.Add(StripeObjects.Event(EventTypes.ChargeDisputeCreated, StripeObjects.Dispute(lost, ch, pi, 1500, "needs_response")));
                    payloads.Add(StripeObjects.Event(EventTypes.ChargeDisputeClosed, StripeObjects.Dispute(lost, ch, pi, 1500, "lost")));
                    (credits, entries) = (credits - 1500, entries + 1);
                    break;
            }
            var recharge = StripeObjects.PaymentIntent(host.Stripe.NewId("pi"), 2000, "succeeded", host.Stripe.NewId("ch"),
                new JsonObject { ["account_id"] = account.ToString(), ["kind"] = "auto_recharge", ["sequence"] = "1" }, "cus_x", "pm_x");
            payloads.Add(StripeObjects.Event(EventTypes.PaymentIntentSucceeded, recharge));
            expected[account] = (Cents(credits + 2000).Units, entries + 1);
        }
        var deliveries = payloads.SelectMany(p => new[] { p, p, p }).OrderBy(_ => Random.Shared.Next()).ToList();

        var responses = await Task.WhenAll(deliveries.Select(p => host.DeliverAsync(p, ct: Ct)));

        foreach (var response in responses)
            await OkAsync(response, "processed");
        foreach (var (account, (balance, count)) in expected)
        {
            var entries = await host.EntriesAsync(account);
            Assert.True(count == entries.Count, $"account {account}: {string.Join(", ", entries.Select(e => $"{e.Type} {e.Amount} {e.IdempotencyKey}"))}");
            Assert.Equal(balance, (await host.AccountAsync(account)).Balance);
            Assert.Equal(balance, entries.Sum(e => e.Amount));
        }
        var ids = payloads.Select(p => JsonNode.Parse(p)!["id"]!.GetValue<string>()).ToArray();
        var recorded = await host.EventsAsync(ids);
        Assert.Equal(ids.Order(), recorded.Select(e => e.EventId).Order());
        Assert.All(recorded, e => Assert.Equal((PaymentEventOutcomes.Processed, 3), (e.Outcome, e.Deliveries)));
        await AssertInvariantsAsync([.. expected.Keys]);
    }

    [Fact]
    public async Task PartialRefunds_EachRefundObjectOnce_FaceValueFirst_FeeLast()
    {
        var (account, session) = await PaidCheckoutAsync(); // paid $52.50 = $50 credits + $2.50 fee
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.CheckoutSessionCompleted, session), ct: Ct), "processed");
        var cs = (string)session["id"]!;
        var charge = host.Stripe.ChargeOf(cs);
        var ch = (string)charge["id"]!;

        var first = host.Stripe.Refund(ch, 2000);
        WithRefunds(first, ch);
        var firstEvent = StripeObjects.Event(EventTypes.ChargeRefunded, first);
        await OkAsync(await host.DeliverAsync(firstEvent, ct: Ct), "processed");

        var second = host.Stripe.Refund(ch, 3000);
        WithRefunds(second, ch);
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.ChargeRefunded, second), ct: Ct), "processed");
        // The older snapshot again, as a new event: nothing new.
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.ChargeRefunded, first), ct: Ct), "processed");

        // The last $2.50 returns the fee: no credits left to take, no entry.
        var third = host.Stripe.Refund(ch, 250);
        third.Remove("refunds"); // as the API version sends it: the handler lists the refunds through the API
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.ChargeRefunded, third), ct: Ct), "processed");

        var refunds = (await host.EntriesAsync(account)).Where(e => e.Type == EntryTypes.PaymentRefund).ToList();
        Assert.Equal([-Cents(2000).Units, -Cents(3000).Units], refunds.Select(e => e.Amount));
        Assert.All(refunds, e => Assert.StartsWith(PaymentKeys.RefundsOf(BillingConsole.Web.Payments.StripeFacts.Provider, ch), e.IdempotencyKey));
        Assert.All(refunds, e => Assert.StartsWith("re_", e.RefId));
        Assert.Equal(0, (await host.AccountAsync(account)).Balance); // fully refunded: back where it started
        Assert.Single(host.Stripe.RequestsTo("GET", "/v1/refunds"), r => r.Fields.GetValueOrDefault("charge") == ch);
        await AssertInvariantsAsync(account);
    }

    [Fact]
    public async Task Reconciliation_OfRealDeliveries_MatchesEachObject_AndARefundEntryNoRefundExplains_IsAMismatch()
    {
        var from = DateTime.UtcNow.AddMinutes(-5);
        var (account, session) = await PaidCheckoutAsync();
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.CheckoutSessionCompleted, session), ct: Ct), "processed");
        var ch = (string)host.Stripe.ChargeOf((string)session["id"]!)["id"]!;
        var refunded = host.Stripe.Refund(ch, 1000);
        WithRefunds(refunded, ch);
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.ChargeRefunded, refunded), ct: Ct), "processed");
        var reports = host.Services.GetRequiredService<ReconciliationReports>();

        // The stored Stripe payloads are read back as neutral facts and matched with the ledger: all of it adds up.
        var report = await reports.GetAsync(from, DateTime.UtcNow.AddMinutes(5), Ct);
        Assert.DoesNotContain(report.ProviderWithoutLedger, i => i.AccountId == account);
        Assert.DoesNotContain(report.LedgerWithoutProvider, o => o.AccountId == account);

        // A refund entry under the charge that no Stripe refund explains: the charge's refunds no longer add up.
        var postings = host.Services.GetRequiredService<PaymentPostings>();
        Assert.True((await postings.DebitRefundAsync(BillingConsole.Web.Payments.StripeFacts.Provider, account, ch, $"re_manual{Guid.NewGuid():N}",
            Cents(500), "not from Stripe", Ct)).Succeeded);
        report = await reports.GetAsync(from, DateTime.UtcNow.AddMinutes(5), Ct);
        var issue = Assert.Single(report.ProviderWithoutLedger, i => i.AccountId == account);
        Assert.Equal(("refund_mismatch", ch), (issue.Kind, issue.ObjectId));
    }

    [Fact]
    public async Task RefundBeforeCompletion_CreditsThePurchaseFirst_AndTheLateCompletionAddsNothing()
    {
        var (account, session) = await PaidCheckoutAsync("fixed"); // $100 credits + $1.99 fee
        var cs = (string)session["id"]!;
        var charge = host.Stripe.Refund((string)host.Stripe.ChargeOf(cs)["id"]!, 4000);
        charge.Remove("refunds");

        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.ChargeRefunded, charge), ct: Ct), "processed");
        var expected = new[] { (EntryTypes.Topup, Cents(10199).Units), (EntryTypes.PlatformFee, -Cents(199).Units), (EntryTypes.PaymentRefund, -Cents(4000).Units) };
        Assert.Equal(expected, (await host.EntriesAsync(account)).Select(e => (e.Type, e.Amount)));
        // Found through the API by its payment_intent.
        Assert.Single(host.Stripe.RequestsTo("GET", "/v1/checkout/sessions"), r => r.Fields.GetValueOrDefault("payment_intent") == (string?)session["payment_intent"]);

        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.CheckoutSessionCompleted, session), ct: Ct), "processed");
        Assert.Equal(expected, (await host.EntriesAsync(account)).Select(e => (e.Type, e.Amount)));
        Assert.Equal(Cents(6000).Units, (await host.AccountAsync(account)).Balance);
        await AssertInvariantsAsync(account);
    }

    [Fact]
    public async Task CheckoutCompleted_AfterTheAccountClosed_RefundsThePaymentOnce_AndIsNotRedeliveredForever()
    {
        var (account, session) = await PaidCheckoutAsync();
        var cs = (string)session["id"]!;
        var closed = await new BillingConsole.Accounting.Admin.AdminAccounts(host.Db.Factory, host.Ledger,
                new BillingConsole.Accounting.Admin.AdminAuditLog(host.Db.Factory, TimeProvider.System), TimeProvider.System)
            .CloseAsync(account, "Customer left", new BillingConsole.Accounting.Admin.AdminActor(1, "staff@billing.example"), Ct);
        Assert.True(closed.Succeeded);
        var payload = StripeObjects.Event(EventTypes.CheckoutSessionCompleted, session);

        await OkAsync(await host.DeliverAsync(payload, ct: Ct), "ignored");
        // Another event for the same session: the same refund, not a second one.
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.CheckoutSessionCompleted, session), ct: Ct), "ignored");

        var chargeId = (string)host.Stripe.ChargeOf(cs)["id"]!;
        var refund = Assert.Single(host.Stripe.RefundsOfCharge(chargeId));
        Assert.Equal(5250L, (long)refund["amount"]!);
        var recorded = Assert.Single(await host.EventsAsync(JsonNode.Parse(payload)!["id"]!.GetValue<string>()));
        Assert.Contains($"Account {account} is closed", recorded.Detail);
        Assert.Contains((string)refund["id"]!, recorded.Detail);

        // The refund's own event finds a purchase that was never credited: nothing to take back, answered 200.
        var charge = host.Stripe.Get(chargeId);
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.ChargeRefunded, charge), ct: Ct), "ignored");
        Assert.Single(host.Stripe.RefundsOfCharge(chargeId));
        Assert.Empty(await host.EntriesAsync(account));
        await AssertInvariantsAsync(account);
    }

    [Fact]
    public async Task RefundAfterTheAccountClosed_IsRecordedAsIgnoredWithWhy_AndAnswered200()
    {
        var (account, session) = await PaidCheckoutAsync();
        var cs = (string)session["id"]!;
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.CheckoutSessionCompleted, session), ct: Ct), "processed");
        Assert.True((await host.Ledger.PostAsync(new PostRequest(account, EntryTypes.UsageDebit, -Cents(5000), "spent it all",
            new Origin(EntrySources.Admin, "tests")), Ct)).Succeeded);
        Assert.True((await new BillingConsole.Accounting.Admin.AdminAccounts(host.Db.Factory, host.Ledger,
                new BillingConsole.Accounting.Admin.AdminAuditLog(host.Db.Factory, TimeProvider.System), TimeProvider.System)
            .CloseAsync(account, "Customer left", new BillingConsole.Accounting.Admin.AdminActor(1, "staff@billing.example"), Ct)).Succeeded);
        var before = await host.EntriesAsync(account);

        var charge = host.Stripe.Refund((string)host.Stripe.ChargeOf(cs)["id"]!, 1000);
        var payload = StripeObjects.Event(EventTypes.ChargeRefunded, charge);
        await OkAsync(await host.DeliverAsync(payload, ct: Ct), "ignored");

        var recorded = Assert.Single(await host.EventsAsync(JsonNode.Parse(payload)!["id"]!.GetValue<string>()));
        Assert.Contains($"account {account} is closed", recorded.Detail);
        Assert.Equal(before.Count, (await host.EntriesAsync(account)).Count);
        await AssertInvariantsAsync(account);
    }

    [Fact]
    public async Task DisputeCreatedThenWon_TakesThePurchasedCredits_ThenRestoresThem()
    {
        var (account, session) = await PaidCheckoutAsync();
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.CheckoutSessionCompleted, session), ct: Ct), "processed");
        var charge = host.Stripe.ChargeOf((string)session["id"]!);
        var dp = host.Stripe.NewId("dp");
        var opened = StripeObjects.Dispute(dp, (string)charge["id"]!, (string)charge["payment_intent"]!, 5250, "needs_response");

        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.ChargeDisputeCreated, opened), ct: Ct), "processed");
        Assert.Equal(0, (await host.AccountAsync(account)).Balance); // the $52.50 disputed takes at most the $50 of credits
        var won = StripeObjects.Dispute(dp, (string)charge["id"]!, (string)charge["payment_intent"]!, 5250, "won");
        var wonEvent = StripeObjects.Event(EventTypes.ChargeDisputeClosed, won);
        await OkAsync(await host.DeliverAsync(wonEvent, ct: Ct), "processed");
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.ChargeDisputeClosed, won), ct: Ct), "processed");

        var tail = (await host.EntriesAsync(account)).Skip(2).Select(e => (e.Type, e.Amount, e.RefId, e.IdempotencyKey)).ToList();
        Assert.Equal([(EntryTypes.Dispute, -Cents(5000).Units, dp, PaymentKeys.Dispute(BillingConsole.Web.Payments.StripeFacts.Provider, dp)),
            (EntryTypes.DisputeReversal, Cents(5000).Units, dp, PaymentKeys.DisputeWon(BillingConsole.Web.Payments.StripeFacts.Provider, dp))], tail);
        Assert.Equal(Cents(5000).Units, (await host.AccountAsync(account)).Balance);
        await AssertInvariantsAsync(account);
    }

    [Fact]
    public async Task DisputeWonBeforeItsCreatedEvent_EndsTheSame_AndALostOneKeepsTheDebit()
    {
        var (account, session) = await PaidCheckoutAsync();
        var charge = host.Stripe.ChargeOf((string)session["id"]!);
        var (ch, pi) = ((string)charge["id"]!, (string)charge["payment_intent"]!);
        var dp = host.Stripe.NewId("dp");
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.ChargeDisputeClosed, StripeObjects.Dispute(dp, ch, pi, 1000, "won")), ct: Ct), "processed");
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.ChargeDisputeCreated, StripeObjects.Dispute(dp, ch, pi, 1000, "needs_response")), ct: Ct), "processed");
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.CheckoutSessionCompleted, session), ct: Ct), "processed");
        Assert.Equal(Cents(5000).Units, (await host.AccountAsync(account)).Balance);

        var lost = host.Stripe.NewId("dp");
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.ChargeDisputeCreated, StripeObjects.Dispute(lost, ch, pi, 700, "needs_response")), ct: Ct), "processed");
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.ChargeDisputeClosed, StripeObjects.Dispute(lost, ch, pi, 700, "lost")), ct: Ct), "processed");
        // An inquiry withdraws nothing.
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.ChargeDisputeCreated,
            StripeObjects.Dispute(host.Stripe.NewId("dp"), ch, pi, 900, "warning_needs_response")), ct: Ct), "ignored");

        Assert.Equal(Cents(4300).Units, (await host.AccountAsync(account)).Balance);
        Assert.Equal(5, (await host.EntriesAsync(account)).Count);
        await AssertInvariantsAsync(account);
    }

    [Fact]
    public async Task AutoRechargeSucceeded_CreditsOnce_AndAThirdFailureInARowTurnsAutoRechargeOffWithTheReason()
    {
        host.Db.RequireAvailable();
        var account = await host.NewAccountAsync();
        var pi = host.Stripe.NewId("pi");
        var meta = new JsonObject { ["account_id"] = account.ToString(), ["kind"] = "auto_recharge", ["sequence"] = "1" };
        var succeeded = StripeObjects.PaymentIntent(pi, 2500, "succeeded", host.Stripe.NewId("ch"), meta, "cus_x", "pm_x");
        var payload = StripeObjects.Event(EventTypes.PaymentIntentSucceeded, succeeded);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ => await OkAsync(await host.DeliverAsync(payload, ct: Ct), "processed")));
        Assert.Equal([(EntryTypes.AutoRecharge, Cents(2500).Units, pi, PaymentKeys.AutoRecharge(BillingConsole.Web.Payments.StripeFacts.Provider, pi))],
            (await host.EntriesAsync(account)).Select(e => (e.Type, e.Amount, e.RefId, e.IdempotencyKey)));

        // A Checkout PaymentIntent is not credited here (its session is).
        var checkoutPi = StripeObjects.PaymentIntent(host.Stripe.NewId("pi"), 5250, "succeeded", null,
            new JsonObject { ["account_id"] = account.ToString(), ["kind"] = "checkout" }, "cus_x", "pm_x");
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.PaymentIntentSucceeded, checkoutPi), ct: Ct), "ignored");

        // Attempt 2 is in flight after two failures in a row.
        await host.Db.ExecuteSqlAsync($"UPDATE accounts SET auto_recharge_enabled = {(host.Db.ProviderName == "Postgres" ? "TRUE" : "1")}, auto_recharge_sequence = 2, auto_recharge_failures = 2 WHERE id = {account}");
        await host.SetPendingSinceAsync(account, DateTime.UtcNow);
        var failed = StripeObjects.PaymentIntent(host.Stripe.NewId("pi"), 2500, "requires_payment_method", null,
            new JsonObject { ["account_id"] = account.ToString(), ["kind"] = "auto_recharge", ["sequence"] = "2" }, "cus_x", "pm_x", failure: "insufficient_funds");
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.PaymentIntentPaymentFailed, failed), ct: Ct), "processed");
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.PaymentIntentPaymentFailed, failed), ct: Ct), "processed");
        var settings = await host.AccountAsync(account);
        Assert.Equal((false, 3, (DateTime?)null), (settings.AutoRechargeEnabled, settings.AutoRechargeFailures, settings.AutoRechargePendingAt));
        Assert.Equal("The card was declined: not enough funds.", settings.AutoRechargeFailure);
        Assert.Single(await host.EntriesAsync(account));
    }

    /// <summary>Gives a charge snapshot the refunds list the fake holds for it (as an expanded charge would show it).</summary>
    private void WithRefunds(JsonObject charge, string chargeId) =>
        charge["refunds"] = StripeObjects.List(host.Stripe.RefundsOfCharge(chargeId), $"/v1/charges/{chargeId}/refunds");
}

public sealed class SqliteStripeWebhookTests(SqlitePaymentsHost host) : StripeWebhookTests(host), IClassFixture<SqlitePaymentsHost>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresStripeWebhookTests(PostgresPaymentsHost host) : StripeWebhookTests(host), IClassFixture<PostgresPaymentsHost>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerStripeWebhookTests(SqlServerPaymentsHost host) : StripeWebhookTests(host), IClassFixture<SqlServerPaymentsHost>;

/// <summary>Helpers for tests against <see cref="PaymentsHost"/>: a paid Checkout, webhook answers, the ledger and its invariants.</summary>
public abstract class PaymentsTest(PaymentsHost host)
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;
    protected static Money Cents(long c) => Money.FromCents(c);

    /// <summary>A console purchase of <paramref name="package"/> through Stripe.net and the fake, paid; nothing credited yet.</summary>
    protected async Task<(long AccountId, JsonObject Session)> PaidCheckoutAsync(string package = "standard", long? accountId = null)
    {
        host.Db.RequireAvailable();
        var account = accountId ?? await host.NewAccountAsync();
        var outcome = await host.Payments.BuyAsync(host.Payments.NewPurchase(account, package), "https://console.test/", "tests", Ct);
        Assert.Equal(PurchaseOutcomeKind.Redirect, outcome.Kind);
        return (account, host.Stripe.PaySession(outcome.RefId!));
    }

    protected static async Task<JsonElement> OkAsync(HttpResponseMessage response, string outcome)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal(outcome, json.GetProperty("outcome").GetString());
        return json;
    }

    protected async Task AssertInvariantsAsync(params long[] accounts)
    {
        var run = await new InvariantChecker(host.Db.Factory, TimeProvider.System).RunAsync(InvariantCheckMode.Full, accounts, Ct);
        Assert.True(run.ViolationCount == 0, string.Join("\n", run.Violations.Select(v => $"{v.Kind}: {v.Detail}")));
    }

    protected async Task<List<(string Type, long Amount, string? Ref, string? Key, string Source)>> LedgerAsync(long accountId) =>
        (await host.EntriesAsync(accountId)).Select(e => (e.Type, e.Amount, e.RefId, e.IdempotencyKey, e.Source)).ToList();
}
