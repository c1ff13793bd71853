using System.Text.Json.Nodes;
using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Payments.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stripe;

namespace BillingConsole.Web.Tests.Payments;

/// <summary>What billing staff do with Stripe: replay a recorded event (exactly-once still holds) and refund a purchase to
/// the card (Stripe is asked once per request; the admin history records it). Against the fake Stripe, on SQLite and PostgreSQL.</summary>
public abstract class AdminPaymentsTests(PaymentsHost host) : PaymentsTest(host)
{
    private readonly PaymentsHost host = host;

    private static readonly AdminActor Staff = new(1, "staff@billing.example");
    private static readonly AdminActor OtherStaff = new(2, "other.staff@billing.example");

    private AdminAuditLog Audit => new(host.Db.Factory, TimeProvider.System);

    /// <summary>A paid checkout whose completion event credited the account: a purchase to refund to the card.</summary>
    private async Task<(long Account, string CheckoutSession)> CreditedPurchaseAsync()
    {
        var (account, session) = await PaidCheckoutAsync();
        await OkAsync(await host.DeliverAsync(StripeObjects.Event(EventTypes.CheckoutSessionCompleted, session), ct: Ct), "processed");
        return (account, (string)session["id"]!);
    }

    private AdminPayments Admin() =>
        new(host.Db.Factory, host.Payments, Audit, host.Services.GetRequiredService<BillingConsole.Accounting.Payments.IPaymentGateway>());

    [Fact]
    public async Task Replay_OfAProcessedEvent_RunsTheHandlerAgain_AndCreditsNothingTwice()
    {
        var (account, session) = await PaidCheckoutAsync();
        var payload = StripeObjects.Event(EventTypes.CheckoutSessionCompleted, session);
        var eventId = JsonNode.Parse(payload)!["id"]!.GetValue<string>();
        await OkAsync(await host.DeliverAsync(payload, ct: Ct), "processed");
        var before = await LedgerAsync(account);

        var processor = host.Services.GetRequiredService<PaymentWebhookProcessor>();
        var replayed = await processor.ReplayAsync(eventId, Ct);

        Assert.Equal((200, "processed"), (replayed!.Status, replayed.Outcome));
        Assert.Equal(before, await LedgerAsync(account));
        Assert.Equal(2, Assert.Single(await host.EventsAsync(eventId)).Deliveries);
        Assert.Null(await processor.ReplayAsync("evt_never_received", Ct));
        await AssertInvariantsAsync(account);
    }

    [Fact]
    public async Task RefundToCard_AsksStripe_AndRecordsTheRequestInTheAdminHistory()
    {
        var (account, cs) = await CreditedPurchaseAsync();
        var admin = Admin();
        var purchase = Assert.Single(await admin.ListPurchasesAsync(account, Ct));
        Assert.Equal((cs, true, Cents(5250)), (purchase.RefId, purchase.CardRefundable, purchase.Paid));

        var noReason = await admin.RefundToCardAsync(account, cs, Cents(1000), "", Staff, Ct);
        Assert.False(noReason.Succeeded);
        Assert.Empty(host.Stripe.RefundsOfCharge((string)host.Stripe.ChargeOf(cs)["id"]!));

        var refund = await admin.RefundToCardAsync(account, cs, Cents(1000), "Customer was double billed", Staff, Ct);

        Assert.True(refund.Succeeded, refund.Message);
        Assert.Single(Refunds());
        await using var db = await host.Db.Factory.CreateDbContextAsync(Ct);
        var row = await db.AdminAuditLog.AsNoTracking().SingleAsync(e => e.AccountId == account, Ct);
        Assert.Equal((AdminActions.CardRefund, cs, "Customer was double billed", Staff.Email), (row.Action, row.Target, row.Reason, row.Actor));
        Assert.NotNull(row.RequestId);

        // The answer is lost (Stripe refunded; the console saw a failure): asked again, by another admin too, the same
        // request gets the same refund from Stripe instead of a second one (or Stripe's error for a key reused with
        // other parameters), and the history records it once.
        host.Stripe.LoseNextAnswerTo = "/v1/refunds";
        var lost = await admin.RefundToCardAsync(account, cs, Cents(500), "Goodwill", Staff, Ct);
        Assert.False(lost.Succeeded);
        Assert.Equal(2, Refunds().Count);
        var again = await admin.RefundToCardAsync(account, cs, Cents(500), "Goodwill", OtherStaff, Ct);
        Assert.True(again.Succeeded, again.Message);
        Assert.Equal(2, Refunds().Count);
        Assert.Equal((string)Refunds().Last()["id"]!, again.ObjectId);

        // Sent four times at once (a double submit): one refund, one row; the rows race to the unique request id. Stripe
        // holds its answers until all four are in flight: a request sent after the first was recorded is a new refund.
        host.Stripe.HoldAnswersTo("/v1/refunds", 4);
        var racing = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => admin.RefundToCardAsync(account, cs, Cents(200), "Late delivery", Staff, Ct)));
        Assert.Equal((true, 1), (racing.All(r => r.Succeeded), racing.Select(r => r.ObjectId).Distinct().Count()));
        Assert.Equal(3, Refunds().Count);

        // The same refund asked for after the last one was recorded is a new refund.
        Assert.True((await admin.RefundToCardAsync(account, cs, Cents(200), "Late delivery, second parcel", Staff, Ct)).Succeeded);
        Assert.Equal(4, Refunds().Count);
        var rows = await db.AdminAuditLog.AsNoTracking().Where(e => e.AccountId == account).OrderBy(e => e.Id).ToListAsync(Ct);
        Assert.Equal(["Customer was double billed", "Goodwill", "Late delivery", "Late delivery, second parcel"], rows.Select(r => r.Reason));
        Assert.Equal(4, rows.Select(r => r.RequestId).Distinct().Count());

        IReadOnlyList<System.Text.Json.Nodes.JsonObject> Refunds() => host.Stripe.RefundsOfCharge((string)host.Stripe.ChargeOf(cs)["id"]!);
        // The credits leave the balance only when Stripe confirms the refund (charge.refunded), not on the request.
        Assert.Equal(Cents(5000).Units, (await host.AccountAsync(account)).Balance);
    }

    [Fact]
    public async Task RefundToCard_AfterStripesOwnServerError_AskedAgain_RefundsOnce_WhetherTheFailedCallRefundedOrNot()
    {
        var (account, cs) = await CreditedPurchaseAsync();
        var admin = Admin();

        // Stripe failed without refunding and keeps answering the key with that 500: asked again, the request gets past
        // it, with one refund.
        host.Stripe.NextServerError = ("/v1/refunds", false);
        Assert.False((await admin.RefundToCardAsync(account, cs, Cents(300), "Refund during an outage", Staff, Ct)).Succeeded);
        Assert.Empty(Refunds());
        var again = await admin.RefundToCardAsync(account, cs, Cents(300), "Refund during an outage", Staff, Ct);
        Assert.True(again.Succeeded, again.Message);
        Assert.Equal((string)Assert.Single(Refunds())["id"]!, again.ObjectId);

        // Stripe refunded, then failed and stored the 500: asked again, the request finds that refund by its request id.
        host.Stripe.NextServerError = ("/v1/refunds", true);
        Assert.False((await admin.RefundToCardAsync(account, cs, Cents(400), "Second refund during an outage", Staff, Ct)).Succeeded);
        Assert.Equal(2, Refunds().Count);
        var found = await admin.RefundToCardAsync(account, cs, Cents(400), "Second refund during an outage", Staff, Ct);
        Assert.True(found.Succeeded, found.Message);
        Assert.Equal(2, Refunds().Count);
        Assert.Equal((string)Refunds().Last()["id"]!, found.ObjectId);

        await using var db = await host.Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(["Refund during an outage", "Second refund during an outage"],
            await db.AdminAuditLog.AsNoTracking().Where(e => e.AccountId == account).OrderBy(e => e.Id).Select(e => e.Reason).ToListAsync(Ct));

        IReadOnlyList<JsonObject> Refunds() => host.Stripe.RefundsOfCharge((string)host.Stripe.ChargeOf(cs)["id"]!);
    }
}

public sealed class SqliteAdminPaymentsTests(SqlitePaymentsHost host) : AdminPaymentsTests(host), IClassFixture<SqlitePaymentsHost>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresAdminPaymentsTests(PostgresPaymentsHost host) : AdminPaymentsTests(host), IClassFixture<PostgresPaymentsHost>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerAdminPaymentsTests(SqlServerPaymentsHost host) : AdminPaymentsTests(host), IClassFixture<SqlServerPaymentsHost>;
