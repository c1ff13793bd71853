using BillingConsole.Accounting.Alerts;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace BillingConsole.Accounting.Tests.Alerts;

/// <summary>Alert rules on every provider, on a fake clock: a crossing fires once (also with concurrent evaluators),
/// a figure hovering in the hysteresis band neither resolves nor fires again, clearing sends a resolved notice, and
/// every transition writes its event and outbox messages in one transaction.</summary>
public abstract class AlertConformanceTests(LedgerDatabase database)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly LedgerDatabase _db = database;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));

    private LedgerWriter Ledger => _db.Writer(_clock);
    private AlertRules Rules => new(_db.Factory, _clock);
    private AlertEvaluator Evaluator => new(_db.Factory, _clock, Microsoft.Extensions.Options.Options.Create(new AlertOptions { ConsoleBaseUrl = "https://console.test" }));

    private async Task<(long Account, string OwnerEmail)> AccountWithOwnerAsync(Money opening)
    {
        var account = await _db.CreateAccountAsync(name: $"Alerts {Guid.NewGuid():N}"[..20]);
        var email = $"owner-{Guid.NewGuid():N}@example.test";
        await TestData.CreateUserAsync(_db.Factory, email, "customer", account);
        if (opening.Units > 0)
            await PostAsync(account, EntryTypes.Topup, opening);
        return (account, email);
    }

    private async Task PostAsync(long account, string type, Money amount)
    {
        var result = await Ledger.PostAsync(new PostRequest(account, type, amount, $"{type} for an alert test", new Origin(EntrySources.Admin, "tests")), Ct);
        Assert.True(result.Succeeded, result.Failure?.Message);
    }

    private async Task<AlertRule> RuleAsync(long account, string kind, long threshold, long? subject = null)
    {
        var (rule, error) = await Rules.CreateAsync(account, new NewAlertRule(kind, threshold, subject), "owner@example.test", Ct);
        Assert.True(rule is not null, error);
        return rule!;
    }

    private async Task<List<AlertEvent>> EventsAsync(long account)
    {
        await using var db = await _db.Factory.CreateDbContextAsync(Ct);
        return await db.AlertEvents.AsNoTracking().Where(e => e.AccountId == account).OrderBy(e => e.Id).ToListAsync(Ct);
    }

    private async Task<List<OutboxMessage>> OutboxAsync(long account)
    {
        await using var db = await _db.Factory.CreateDbContextAsync(Ct);
        return await db.OutboxMessages.AsNoTracking().Where(m => m.AccountId == account).OrderBy(m => m.Id).ToListAsync(Ct);
    }

    private async Task<string> StateAsync(long ruleId)
    {
        await using var db = await _db.Factory.CreateDbContextAsync(Ct);
        return await db.AlertRules.Where(r => r.Id == ruleId).Select(r => r.State).SingleAsync(Ct);
    }

    [Fact]
    public async Task Evaluate_BalanceCrossesBelow_FiresOnceWithItsEventAndOwnerEmail()
    {
        _db.RequireAvailable();
        var (account, owner) = await AccountWithOwnerAsync(Money.FromDollars(10));
        var rule = await RuleAsync(account, AlertKinds.BalanceBelow, Money.FromDollars(5).Units);
        Assert.Equal(0, await Evaluator.EvaluateAsync(account, Ct));

        await PostAsync(account, EntryTypes.UsageDebit, -Money.FromDollars(6));
        Assert.Equal(1, await Evaluator.EvaluateAsync(account, Ct));
        Assert.Equal(0, await Evaluator.EvaluateAsync(account, Ct));
        await PostAsync(account, EntryTypes.UsageDebit, -Money.FromDollars(1));
        Assert.Equal(0, await Evaluator.EvaluateAsync(account, Ct));

        var alert = Assert.Single(await EventsAsync(account));
        Assert.Equal((rule.Id, AlertTransitions.Fired, Money.FromDollars(4).Units), (alert.RuleId, alert.Transition, alert.Value));
        Assert.Contains("$4.00", alert.Message);
        Assert.Contains("$5.00", alert.Message);
        Assert.Equal(AlertStates.Firing, await StateAsync(rule.Id));
        var email = Assert.Single(await OutboxAsync(account));
        Assert.Equal((OutboxChannels.Email, owner, "alert.fired", alert.Id), (email.Channel, email.Recipient, email.EventType, email.AlertEventId));
        var notice = AlertNotice.FromJson(email.Payload);
        Assert.Equal((alert.Id, account, "https://console.test/alerts", alert.Message), (notice.Data.AlertId, notice.Data.AccountId, notice.Data.Url, notice.Data.Message));
        Assert.Null(email.DeliveredAt);
    }

    [Fact]
    public async Task Evaluate_BalanceHoveringInTheBand_NeitherResolvesNorFiresAgain_ThenResolvesPastIt()
    {
        _db.RequireAvailable();
        var (account, _) = await AccountWithOwnerAsync(Money.FromDollars(10));
        var rule = await RuleAsync(account, AlertKinds.BalanceBelow, Money.FromDollars(5).Units);
        await PostAsync(account, EntryTypes.UsageDebit, -Money.FromDollars(6));
        Assert.Equal(1, await Evaluator.EvaluateAsync(account, Ct));

        // $4 → $5.20 → $4.90 → $5.40: above and below the threshold, never past $5.50 (threshold + 10 %).
        foreach (var cents in new[] { 120, -30, 50 })
        {
            await PostAsync(account, cents > 0 ? EntryTypes.Bonus : EntryTypes.UsageDebit, Money.FromCents(cents));
            Assert.Equal(0, await Evaluator.EvaluateAsync(account, Ct));
        }
        Assert.Equal(AlertStates.Firing, await StateAsync(rule.Id));

        await PostAsync(account, EntryTypes.Bonus, Money.FromCents(10));
        Assert.Equal(1, await Evaluator.EvaluateAsync(account, Ct));
        Assert.Equal(AlertStates.Armed, await StateAsync(rule.Id));
        // A second crossing is a second alert.
        await PostAsync(account, EntryTypes.UsageDebit, -Money.FromDollars(1));
        Assert.Equal(1, await Evaluator.EvaluateAsync(account, Ct));

        var events = await EventsAsync(account);
        Assert.Equal([AlertTransitions.Fired, AlertTransitions.Resolved, AlertTransitions.Fired], events.Select(e => e.Transition));
        Assert.Equal(Money.FromCents(550).Units, events[1].Value);
        Assert.Contains("back to $5.50", events[1].Message);
        Assert.Equal(["alert.fired", "alert.resolved", "alert.fired"], (await OutboxAsync(account)).Select(m => m.EventType));
    }

    [Fact]
    public async Task Evaluate_ConcurrentEvaluators_FireACrossingOnce()
    {
        _db.RequireAvailable();
        var (account, _) = await AccountWithOwnerAsync(Money.FromDollars(3));
        await RuleAsync(account, AlertKinds.BalanceBelow, Money.FromDollars(5).Units);

        var transitions = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Evaluator.EvaluateAsync(account, Ct), Ct)));

        Assert.Equal(1, transitions.Sum());
        Assert.Single(await EventsAsync(account));
        Assert.Single(await OutboxAsync(account));
    }

    [Fact]
    public async Task Evaluate_KeyBudgetPercentages_FireAtEachLevelAndResolveWhenTheMonthTurns()
    {
        _db.RequireAvailable();
        var (account, _) = await AccountWithOwnerAsync(Money.FromDollars(100));
        await using (var db = await _db.Factory.CreateDbContextAsync(Ct))
        {
            var key = new BillingConsole.Accounting.Identity.ApiKey
            {
                AccountId = account, Name = "prod", Prefix = "bc_x", SecretHash = Guid.NewGuid().ToString("N"), CreatedAt = _clock.GetUtcNow().UtcDateTime,
                MonthlySpendLimit = Money.FromDollars(10).Units, SpendMonth = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc),
                SpendCommitted = Money.FromCents(850).Units,
            };
            db.ApiKeys.Add(key);
            await db.SaveChangesAsync(Ct);
            foreach (var percent in new[] { 50, 80, 100 })
                await RuleAsync(account, AlertKinds.KeyBudget, percent, key.Id);
        }

        Assert.Equal(2, await Evaluator.EvaluateAsync(account, Ct));
        Assert.Equal([5000L, 8000L], (await EventsAsync(account)).Select(e => e.Threshold * 100));
        Assert.All(await EventsAsync(account), e => Assert.Equal(8500, e.Value));
        Assert.Contains("85 %", (await EventsAsync(account))[0].Message);

        // December: the counter starts again, so both clear.
        _clock.AdjustTime(new DateTimeOffset(2026, 12, 1, 0, 5, 0, TimeSpan.Zero));
        Assert.Equal(2, await Evaluator.EvaluateAsync(account, Ct));
        Assert.Equal([AlertTransitions.Fired, AlertTransitions.Fired, AlertTransitions.Resolved, AlertTransitions.Resolved],
            (await EventsAsync(account)).Select(e => e.Transition));
    }

    [Fact]
    public async Task Evaluate_BudgetPercentages_FireAtEachLevelAndResolveWhenThePeriodTurns()
    {
        _db.RequireAvailable();
        var (account, _) = await AccountWithOwnerAsync(Money.FromDollars(100));
        var budgets = new BillingConsole.Accounting.Budgets.BudgetService(_db.Factory, _clock);
        var budget = (await budgets.CreateAsync(account, null, Money.FromDollars(10), BillingConsole.Accounting.Budgets.BudgetPeriods.Daily, "owner", Ct)).Value!;
        foreach (var percent in new[] { 50, 80, 100 })
            await RuleAsync(account, AlertKinds.Budget, percent, budget.Id);
        var (rule, error) = await Rules.CreateAsync(account, new NewAlertRule(AlertKinds.Budget, 80, null), "owner@example.test", Ct);
        Assert.Null(rule);
        Assert.Contains("budget_id", error);
        var (_, foreignError) = await Rules.CreateAsync(account, new NewAlertRule(AlertKinds.Budget, 80, 987_654_321), "owner@example.test", Ct);
        Assert.Contains("budget of this account", foreignError);

        // The budget counts the hold through the ledger's reserve batch: $8.50 of $10 is 85 %.
        Assert.True((await Ledger.ReserveAsync(new ReserveRequest(account, Money.FromCents(850), "A hold", new Origin(EntrySources.Console, "tests"),
            Ttl: TimeSpan.FromDays(1)), Ct)).Succeeded);
        Assert.Equal(2, await Evaluator.EvaluateAsync(account, Ct));
        Assert.Equal([5000L, 8000L], (await EventsAsync(account)).Select(e => e.Threshold * 100));
        Assert.All(await EventsAsync(account), e => Assert.Equal(8500, e.Value));
        Assert.Contains("85 % of the daily budget of $10.00", (await EventsAsync(account))[0].Message);

        // The next UTC day the budget starts again, so both clear.
        _clock.AdjustTime(new DateTimeOffset(2026, 11, 21, 0, 5, 0, TimeSpan.Zero));
        Assert.Equal(2, await Evaluator.EvaluateAsync(account, Ct));
        Assert.Equal([AlertTransitions.Fired, AlertTransitions.Fired, AlertTransitions.Resolved, AlertTransitions.Resolved],
            (await EventsAsync(account)).Select(e => e.Transition));
    }

    [Fact]
    public async Task Evaluate_AutoRechargeDeclined_FiresOnceUntilARechargeSucceeds()
    {
        _db.RequireAvailable();
        var (account, _) = await AccountWithOwnerAsync(Money.FromDollars(1));
        await RuleAsync(account, AlertKinds.AutoRechargeDeclined, 0);
        async Task FailuresAsync(int n)
        {
            await using var db = await _db.Factory.CreateDbContextAsync(Ct);
            await db.Accounts.Where(a => a.Id == account).ExecuteUpdateAsync(s => s.SetProperty(a => a.AutoRechargeFailures, n), Ct);
        }

        await FailuresAsync(1);
        Assert.Equal(1, await Evaluator.EvaluateAsync(account, Ct));
        await FailuresAsync(2);
        Assert.Equal(0, await Evaluator.EvaluateAsync(account, Ct));
        await FailuresAsync(0);
        Assert.Equal(1, await Evaluator.EvaluateAsync(account, Ct));

        Assert.Equal([AlertTransitions.Fired, AlertTransitions.Resolved], (await EventsAsync(account)).Select(e => e.Transition));
    }

    [Fact]
    public async Task Evaluate_NewDisputes_FireOnceEach_AndEarlierOnesNever()
    {
        _db.RequireAvailable();
        var (account, _) = await AccountWithOwnerAsync(Money.FromDollars(100));
        await PostAsync(account, EntryTypes.Dispute, -Money.FromDollars(10));
        await RuleAsync(account, AlertKinds.DisputeOpened, 0);
        Assert.Equal(0, await Evaluator.EvaluateAsync(account, Ct));

        await PostAsync(account, EntryTypes.Dispute, -Money.FromDollars(20));
        await PostAsync(account, EntryTypes.Dispute, -Money.FromDollars(30));
        Assert.Equal(2, await Evaluator.EvaluateAsync(account, Ct));
        Assert.Equal(0, await Evaluator.EvaluateAsync(account, Ct));

        Assert.Equal([Money.FromDollars(20).Units, Money.FromDollars(30).Units], (await EventsAsync(account)).Select(e => e.Value));
        Assert.Equal(2, (await OutboxAsync(account)).Count);
    }

    [Fact]
    public async Task Evaluate_RunwayUnderDays_FiresAtTheRecentRateAndResolvesAfterATopUp()
    {
        _db.RequireAvailable();
        var (account, _) = await AccountWithOwnerAsync(Money.FromDollars(100));
        await RuleAsync(account, AlertKinds.RunwayBelow, 10);
        // $8 of usage over the 7.5-day window: about $1.07 a day, so $92 lasts about 86 days.
        await PostAsync(account, EntryTypes.UsageDebit, -Money.FromDollars(8));
        Assert.Equal(0, await Evaluator.EvaluateAsync(account, Ct));

        await PostAsync(account, EntryTypes.UsageDebit, -Money.FromDollars(85));
        Assert.Equal(1, await Evaluator.EvaluateAsync(account, Ct));
        await PostAsync(account, EntryTypes.Topup, Money.FromDollars(500));
        Assert.Equal(1, await Evaluator.EvaluateAsync(account, Ct));

        var events = await EventsAsync(account);
        Assert.Equal([AlertTransitions.Fired, AlertTransitions.Resolved], events.Select(e => e.Transition));
        Assert.True(events[0].Value < 10, $"{events[0].Value} days");
    }

    [Fact]
    public async Task Create_InvalidRules_AreRefusedAndWriteNothing()
    {
        _db.RequireAvailable();
        var (account, _) = await AccountWithOwnerAsync(Money.Zero);
        var other = await _db.CreateAccountAsync();
        long foreignKey;
        await using (var db = await _db.Factory.CreateDbContextAsync(Ct))
        {
            var key = new BillingConsole.Accounting.Identity.ApiKey { AccountId = other, Name = "other", Prefix = "bc_o", SecretHash = Guid.NewGuid().ToString("N"), CreatedAt = DateTime.UtcNow };
            db.ApiKeys.Add(key);
            await db.SaveChangesAsync(Ct);
            foreignKey = key.Id;
        }

        foreach (var bad in new NewAlertRule[]
        {
            new("balance_above", 1, null), new(AlertKinds.BalanceBelow, 0, null), new(AlertKinds.BalanceBelow, Money.Max.Units + 1, null),
            new(AlertKinds.RunwayBelow, 0, null), new(AlertKinds.KeyBudget, 80, null), new(AlertKinds.KeyBudget, 101, foreignKey),
            new(AlertKinds.KeyBudget, 80, foreignKey), new(AlertKinds.DisputeOpened, 5, null), new(AlertKinds.BalanceBelow, 5, foreignKey),
        })
        {
            var (rule, error) = await Rules.CreateAsync(account, bad, "tests", Ct);
            Assert.True(rule is null && error is not null, $"{bad} was accepted");
        }
        Assert.Empty(await Rules.ListAsync(account, Ct));
    }
}

public sealed class SqliteAlertConformanceTests(SqliteLedgerDatabase db) : AlertConformanceTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresAlertConformanceTests(PostgresLedgerDatabase db) : AlertConformanceTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerAlertConformanceTests(SqlServerLedgerDatabase db) : AlertConformanceTests(db), IClassFixture<SqlServerLedgerDatabase>;
