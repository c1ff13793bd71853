using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BillingConsole.Accounting.Tests.Payments;

/// <summary>The payments engine on every provider: development-mode purchases and recharges through the real ledger,
/// the Stripe event log under concurrent deliveries, and the reconciliation report.</summary>
public abstract class PaymentsConformanceTests(LedgerDatabase database)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly LedgerDatabase _db = database;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));

    private static readonly PaymentsOptions Options = new()
    {
        Packages = [new() { Id = "standard", Name = "Standard", Credits = 50, FeePercent = 5 }, new() { Id = "big", Credits = 500, FixedFee = 10 }],
    };

    private LedgerWriter Ledger => _db.Writer(_clock);
    private PaymentPostings Postings => new(Ledger, _db.Factory);
    private PaymentAccounts Accounts => new(_db.Factory, _clock);

    private PaymentsService Service() => new(new CreditPackages(Microsoft.Extensions.Options.Options.Create(Options)), Postings, Accounts, _db.Factory,
        Microsoft.Extensions.Options.Options.Create(Options), _clock, new DevelopmentPaymentGateway(Postings));

    private async Task<List<LedgerEntry>> EntriesAsync(long account)
    {
        await using var db = await _db.Factory.CreateDbContextAsync(Ct);
        return await db.LedgerEntries.AsNoTracking().Where(e => e.AccountId == account).OrderBy(e => e.Sequence).ToListAsync(Ct);
    }

    private async Task AssertInvariantsAsync(params long[] accounts)
    {
        var run = await new InvariantChecker(_db.Factory, TimeProvider.System).RunAsync(InvariantCheckMode.Full, accounts, Ct);
        Assert.True(run.ViolationCount == 0, string.Join("\n", run.Violations.Select(v => $"{v.Kind}: {v.Detail}")));
    }

    [Fact]
    public async Task DevelopmentPurchase_ConcurrentRetriesOfOneRequest_CreditOnce_AndAnotherPackageUnderTheSameIdIsRefused()
    {
        _db.RequireAvailable();
        var account = await _db.CreateAccountAsync();
        var payments = Service();
        Assert.True(payments.IsDevelopmentMode);
        var request = payments.NewPurchase(account, "standard");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => payments.BuyAsync(request, "http://localhost/", "tests", Ct)));
        var conflicting = await payments.BuyAsync(request with { PackageId = "big" }, "http://localhost/", "tests", Ct);

        Assert.All(outcomes, o => Assert.Equal((PurchaseOutcomeKind.Credited, Money.FromDollars(50)), (o.Kind, o.Credits!.Value)));
        Assert.Equal(PurchaseOutcomeKind.Failed, conflicting.Kind);
        var entries = await EntriesAsync(account);
        Assert.Equal([(EntryTypes.Topup, Money.FromCents(5250).Units), (EntryTypes.PlatformFee, -Money.FromCents(250).Units)], entries.Select(e => (e.Type, e.Amount)));
        Assert.All(entries, e => Assert.Equal((PaymentKeys.DevPurchaseRef(request.PurchaseId), EntrySources.Console), (e.RefId, e.Source)));
        await AssertInvariantsAsync(account);
    }

    [Fact]
    public async Task Purchase_IntoAnOverdrawnAccount_StillRecordsItsFee()
    {
        _db.RequireAvailable();
        var account = await _db.CreateAccountAsync();
        // A chargeback took the balance to -$200 (facts from elsewhere may overdraw).
        Assert.True((await Ledger.PostAsync(new PostRequest(account, EntryTypes.Dispute, -Money.FromDollars(200), "Chargeback", PaymentPostings.WebhookOrigin(TestProvider.Stripe)), Ct)).Succeeded);

        var outcome = await Service().BuyAsync(Service().NewPurchase(account, "standard"), "http://localhost/", "tests", Ct);

        Assert.Equal(PurchaseOutcomeKind.Credited, outcome.Kind);
        Assert.Equal(-Money.FromDollars(150).Units, (await EntriesAsync(account)).Sum(e => e.Amount));
        Assert.Equal(3, (await EntriesAsync(account)).Count);
        await AssertInvariantsAsync(account);
    }

    [Fact]
    public async Task DevelopmentAutoRecharge_ConcurrentWorkers_GrantOnce_AndTheMonthlyCapStopsTheNext()
    {
        _db.RequireAvailable();
        var account = await _db.CreateAccountAsync();
        Assert.True((await Ledger.PostAsync(new PostRequest(account, EntryTypes.Bonus, Money.FromDollars(3), "Welcome", new Origin(EntrySources.System, "tests")), Ct)).Succeeded);
        Assert.Equal("The monthly cap must allow at least one recharge.",
            await Accounts.SetAutoRechargeAsync(account, new AutoRechargeChange(true, Money.FromDollars(10), Money.FromDollars(20), Money.FromDollars(5)), Ct));
        Assert.NotNull(await Accounts.SetAutoRechargeAsync(account, new AutoRechargeChange(true, Money.FromDollars(10), Money.FromCents(2050) + new Money(1), null), Ct));
        Assert.Null(await Accounts.SetAutoRechargeAsync(account, new AutoRechargeChange(true, Money.FromDollars(10), Money.FromDollars(20), Money.FromDollars(30)), Ct));

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Service().RunAutoRechargeAsync(Ct)));
        await Ledger.PostAsync(new PostRequest(account, EntryTypes.UsageDebit, -Money.FromDollars(20), "Usage", new Origin(EntrySources.System, "tests")), Ct);
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Service().RunAutoRechargeAsync(Ct)));

        var recharges = (await EntriesAsync(account)).Where(e => e.Type == EntryTypes.AutoRecharge).ToList();
        var only = Assert.Single(recharges); // $20 + $20 would pass the $30 cap
        Assert.Equal((Money.FromDollars(20).Units, PaymentKeys.AutoRechargeAttempt(account, 1), EntrySources.System), (only.Amount, only.IdempotencyKey, only.Source));

        _clock.Advance(TimeSpan.FromDays(15)); // next month: the cap starts over
        await Service().RunAutoRechargeAsync(Ct);
        Assert.Equal(2, (await EntriesAsync(account)).Count(e => e.Type == EntryTypes.AutoRecharge));
        Assert.Equal(2, (await _db.Factory.CreateDbContext().Accounts.AsNoTracking().SingleAsync(a => a.Id == account, Ct)).AutoRechargeSequence);
        await Accounts.SetAutoRechargeAsync(account, new AutoRechargeChange(false, Money.FromDollars(10), Money.FromDollars(20), null), Ct);
        await AssertInvariantsAsync(account);
    }

    [Fact]
    public async Task EventLog_ConcurrentDeliveries_OneRow_CountsEach_AndAProcessedEventStaysProcessed()
    {
        _db.RequireAvailable();
        var log = new PaymentEventLog(_db.Factory, _db.Dialect, _clock);
        var id = $"evt_{Guid.NewGuid():N}";
        PaymentEventRecord Record(string outcome) => new(id, "charge.refunded", "ch_1", "pi_1", null, 500, false, "2026-10-28.endive",
            _clock.GetUtcNow().UtcDateTime, outcome, outcome, "{}");

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => log.RecordAsync(Record(i == 3 ? PaymentEventOutcomes.Processed : PaymentEventOutcomes.Failed), Ct)));
        await log.RecordAsync(Record(PaymentEventOutcomes.Deferred), Ct);

        await using var db = await _db.Factory.CreateDbContextAsync(Ct);
        var row = await db.PaymentEvents.AsNoTracking().SingleAsync(e => e.EventId == id, Ct);
        Assert.Equal(11, row.Deliveries);
        Assert.Equal(PaymentEventOutcomes.Processed, row.Outcome); // once processed, later failures of concurrent copies don't undo it
        Assert.Equal(PaymentEventOutcomes.Processed, await log.FinalOutcomeAsync(id, Ct));
    }

    [Fact]
    public async Task Reconciliation_MatchesProviderFactsWithLedgerEntries_AndListsWhatIsMissingEitherWay()
    {
        _db.RequireAvailable();
        var from = new DateTime(2031, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(_db.ProviderName == "Postgres" ? 40 : 0);
        _clock.SetUtcNow(from.AddHours(1));
        var log = new PaymentEventLog(_db.Factory, _db.Dialect, _clock);
        var facts = new FactsByPayload(TestProvider.Stripe);
        var account = await _db.CreateAccountAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        string Id(string prefix) => $"{prefix}_{tag}";
        var p = TestProvider.Stripe;
        // The engine sees only neutral facts: the payload is whatever the provider's reader turns into them.
        Task Event(PaymentFact fact, string? paymentId, long cents, string outcome = PaymentEventOutcomes.Processed) =>
            log.RecordAsync(new PaymentEventRecord($"evt_{Guid.NewGuid():N}", fact.GetType().Name, fact.Reference, paymentId, account, cents, false, "v1",
                from.AddHours(2), outcome, "test", facts.Add(fact)), Ct);
        PaymentReceived Purchase(string id, string pi, long paid, long fee) => new(id, account, PaymentKind.Purchase, pi, true, "paid", "usd", paid, fee);
        DisputeChanged Dispute(string id, long cents, bool won) =>
            new(id, null, Id("pi_paid"), cents, won ? DisputeState.Won : DisputeState.Open, won ? "won" : "needs_response", null, won);

        // Credited as the provider says: a purchase with a partial refund, a dispute won and restored.
        var paid = Id("cs_paid");
        await Event(Purchase(paid, Id("pi_paid"), 5250, 250), Id("pi_paid"), 5250);
        await Postings.CreditPurchaseAsync(new PurchaseCredit(account, paid, PaymentKeys.Topup(p, paid), PaymentKeys.Fee(p, paid),
            Money.FromCents(5250), Money.FromCents(250), "purchase", "fee", PaymentPostings.WebhookOrigin(p)), Ct);
        await Event(new RefundsChanged(Id("ch_paid"), Id("pi_paid"), 2000, null), Id("pi_paid"), 2000);
        await Postings.DebitRefundAsync(p, account, Id("ch_paid"), Id("re_1"), Money.FromCents(2000), "refund", Ct);
        await Event(Dispute(Id("dp_won"), 1000, won: false), Id("pi_paid"), 1000);
        await Event(Dispute(Id("dp_won"), 1000, won: true), Id("pi_paid"), 1000);
        await Postings.DebitDisputeAsync(p, account, Id("dp_won"), Money.FromCents(1000), "dispute", Ct);
        await Postings.ReverseDisputeAsync(p, account, Id("dp_won"), Money.FromCents(1000), "won", Ct);
        // Wrong in each way the report should catch.
        await Event(Purchase(Id("cs_missing"), Id("pi_missing"), 1000, 0), Id("pi_missing"), 1000);
        await Event(Dispute(Id("dp_unreversed"), 300, won: true), Id("pi_paid"), 300);
        await Postings.DebitDisputeAsync(p, account, Id("dp_unreversed"), Money.FromCents(300), "dispute", Ct);
        await Event(new RefundsChanged(Id("ch_failed"), Id("pi_other"), 100, null), Id("pi_other"), 100, PaymentEventOutcomes.Failed);
        // A refund of the purchase that took more credits than the provider's cash refund allows.
        await Event(new RefundsChanged(Id("ch_over"), Id("pi_paid"), 1000, null), Id("pi_paid"), 1000);
        await Postings.DebitRefundAsync(p, account, Id("ch_over"), Id("re_2"), Money.FromCents(1500), "refund", Ct);
        var orphan = Id("cs_orphan");
        await Ledger.PostAsync(new PostRequest(account, EntryTypes.Topup, Money.FromDollars(7), "no event", PaymentPostings.WebhookOrigin(p), orphan, PaymentKeys.Topup(p, orphan)), Ct);

        var report = await new ReconciliationReports(_db.Factory, facts).GetAsync(from, from.AddDays(1), Ct);

        Assert.Equal((Money.FromCents(6250), Money.FromCents(5950)), (report.Totals.ProviderPaid, report.Totals.LedgerPurchased));
        Assert.Equal((Money.FromCents(250), Money.FromCents(250)), (report.Totals.ProviderFees, report.Totals.LedgerFees));
        Assert.Equal((Money.FromCents(3000), Money.FromCents(3500)), (report.Totals.ProviderRefunded, report.Totals.LedgerRefunded));
        Assert.Equal((Money.FromCents(1300), Money.FromCents(1300), Money.FromCents(1300), Money.FromCents(1000)),
            (report.Totals.ProviderDisputed, report.Totals.LedgerDisputed, report.Totals.ProviderDisputesWon, report.Totals.LedgerDisputeReversals));
        Assert.Equal(
            [("dispute_reversal_missing", Id("dp_unreversed")), ("not_credited", Id("cs_missing")), ("refund_mismatch", Id("ch_over")), ("unresolved_event", Id("ch_failed"))],
            report.ProviderWithoutLedger.Select(i => (i.Kind, i.ObjectId)).Order());
        var stray = Assert.Single(report.LedgerWithoutProvider);
        Assert.Equal((orphan, EntryTypes.Topup), (stray.RefId, stray.Type));
        Assert.False(report.Balanced);
    }

    [Fact]
    public async Task Receipts_EachPaymentGroupsItsEntries_WithPaidFeeCreditsAndBalanceAfter_AndOnlyForItsAccount()
    {
        _db.RequireAvailable();
        var account = await _db.CreateAccountAsync();
        var other = await _db.CreateAccountAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var session = $"cs_receipt_{tag}";
        var purchase = await Postings.CreditPurchaseAsync(new PurchaseCredit(account, session, PaymentKeys.Topup(TestProvider.Stripe, session), PaymentKeys.Fee(TestProvider.Stripe, session),
            Money.FromCents(5250), Money.FromCents(250), "Credit purchase", "Platform fee", PaymentPostings.WebhookOrigin(TestProvider.Stripe)), Ct);
        var recharge = await Postings.CreditAutoRechargeAsync(account, Money.FromDollars(20), $"pi_{tag}", PaymentKeys.AutoRecharge(TestProvider.Stripe, $"pi_{tag}"),
            "Auto-recharge", PaymentPostings.WebhookOrigin(TestProvider.Stripe), Ct);
        var refund = await Postings.DebitRefundAsync(TestProvider.Stripe, account, $"ch_{tag}", $"re_{tag}", Money.FromDollars(10), "Refund", Ct);
        var dispute = await Postings.DebitDisputeAsync(TestProvider.Stripe, account, $"dp_{tag}", Money.FromDollars(5), "Dispute", Ct);
        var won = await Postings.ReverseDisputeAsync(TestProvider.Stripe, account, $"dp_{tag}", Money.FromDollars(5), "Dispute won", Ct);
        var usage = await Ledger.PostAsync(new PostRequest(account, EntryTypes.UsageDebit, -Money.FromDollars(1), "Usage", PaymentPostings.WebhookOrigin(TestProvider.Stripe), "not-a-payment"), Ct);
        var receipts = new Receipts(_db.Factory);

        var bought = await receipts.FindAsync(account, purchase.Value!.Fee!.EntryId, Ct);

        Assert.Equal((ReceiptKinds.Purchase, session, purchase.Value.Topup.EntryId), (bought!.Kind, bought.Reference, bought.Number));
        Assert.Equal((Money.FromCents(5250), Money.FromCents(250), Money.FromDollars(50)), (bought.Paid, bought.Fee, bought.Credits));
        Assert.Equal([(EntryTypes.Topup, purchase.Value.Topup.BalanceAfter), (EntryTypes.PlatformFee, purchase.Value.Fee.BalanceAfter)],
            bought.Lines.Select(l => (l.Type, l.BalanceAfter)));
        var recharged = await receipts.FindAsync(account, recharge.Value!.EntryId, Ct);
        Assert.Equal((ReceiptKinds.AutoRecharge, Money.FromDollars(20), Money.FromDollars(20)), (recharged!.Kind, recharged.Paid, recharged.Credits));
        var refunded = await receipts.FindAsync(account, refund.Value!.EntryId, Ct);
        Assert.Equal((ReceiptKinds.Refund, -Money.FromDollars(10)), (refunded!.Kind, refunded.Credits));
        var disputed = await receipts.FindAsync(account, won.Value!.EntryId, Ct);
        Assert.Equal((ReceiptKinds.Dispute, dispute.Value!.EntryId, Money.Zero, 2), (disputed!.Kind, disputed.Number, disputed.Credits, disputed.Lines.Count));
        Assert.Null(await receipts.FindAsync(account, usage.Value!.EntryId, Ct));
        Assert.Null(await receipts.FindAsync(other, purchase.Value.Topup.EntryId, Ct));

        var month = await receipts.ListAsync(account, Statements.BillingMonth.Of(_clock.GetUtcNow().UtcDateTime), Ct);
        Assert.Equal([(purchase.Value.Topup.EntryId, ReceiptKinds.Purchase), (recharge.Value.EntryId, ReceiptKinds.AutoRecharge),
            (refund.Value.EntryId, ReceiptKinds.Refund), (dispute.Value.EntryId, ReceiptKinds.Dispute)], month.Select(r => (r.Number, r.Kind)));
        Assert.Empty(await receipts.ListAsync(account, Statements.BillingMonth.Of(_clock.GetUtcNow().UtcDateTime).Next, Ct));
    }
}

public sealed class SqlitePaymentsConformanceTests(SqliteLedgerDatabase db) : PaymentsConformanceTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresPaymentsConformanceTests(PostgresLedgerDatabase db) : PaymentsConformanceTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerPaymentsConformanceTests(SqlServerLedgerDatabase db) : PaymentsConformanceTests(db), IClassFixture<SqlServerLedgerDatabase>;
