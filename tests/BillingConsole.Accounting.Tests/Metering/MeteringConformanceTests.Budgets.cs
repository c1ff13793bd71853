using BillingConsole.Accounting.Budgets;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BillingConsole.Accounting.Tests.Metering;

/// <summary>Budgets counted and enforced by the reserve and resolve batches themselves, on every provider.</summary>
public abstract partial class MeteringConformanceTests
{
    private BudgetService Budgets => new(Db.Factory, Clock);

    /// <summary>One odd-price hold of 1M input tokens (read from the catalog, so a missing database skips first).</summary>
    private long OddHold
    {
        get
        {
            Db.RequireAvailable();
            return PriceOf(OddModel, Clock.GetUtcNow().UtcDateTime).InputPerMillion;
        }
    }

    private async Task<long> NewBudgetAsync(long accountId, long? keyId, long amount, string period)
    {
        var created = await Budgets.CreateAsync(accountId, keyId, new Money(amount), period, "tests", Ct);
        Assert.True(created.Succeeded, created.Message);
        return created.Value!.Id;
    }

    private async Task<long> NewKeyAsync(long accountId)
    {
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var key = new ApiKey { AccountId = accountId, Name = "k2", Prefix = "bc_test", SecretHash = Guid.NewGuid().ToString("N"), CreatedAt = Clock.GetUtcNow().UtcDateTime };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(Ct);
        return key.Id;
    }

    private async Task<long> CommittedAsync(long budgetId)
    {
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        return (await db.Budgets.SingleAsync(b => b.Id == budgetId, Ct)).Committed;
    }

    private MeteringService MeterWith(bool groupCommit) => groupCommit
        ? Meter
        : new MeteringService(new LedgerWriter(Db.Factory, Db.Dialect, Clock, Options.Create(new GroupCommitOptions { Enabled = false })), Catalog, Db.Factory, Clock);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Reserve_ConcurrentAgainstAccountBudgetKeyBudgetAndFloor_AdmitsExactlyWhatFits(bool groupCommit)
    {
        var meter = MeterWith(groupCommit);
        var h = OddHold;
        // The floor admits 6 holds, the account budget 7, the first key's budget 3.
        var (account, capped) = await NewCustomerAsync(new Money(6 * h + h / 2));
        var other = await NewKeyAsync(account);
        var accountBudget = await NewBudgetAsync(account, null, 7 * h, BudgetPeriods.Monthly);
        var keyBudget = await NewBudgetAsync(account, capped, 3 * h, BudgetPeriods.Daily);

        async Task<LedgerResult<MeteredHold>[]> RoundAsync(string round) => await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => Task.Run(() => meter.ReserveAsync(Reserve(i % 2 == 0 ? capped : other, OddModel, 1_000_000, 0, $"{round}-{i}"), Ct))));

        var first = await RoundAsync("a");
        Assert.Equal(6, first.Count(r => r.Succeeded));
        Assert.All(first.Where(r => !r.Succeeded), r => Assert.Contains(r.Failure!.Error, new[] { LedgerError.InsufficientCredits, LedgerError.BudgetExceeded }));
        Assert.All(first.Where(r => r.Failure?.Error == LedgerError.BudgetExceeded), r => Assert.Equal(keyBudget, r.Failure!.Budget!.BudgetId));

        // With funds again, the account budget is what stops the next round: one more hold in all.
        Ok(await Db.Writer(Clock).PostAsync(new PostRequest(account, EntryTypes.Topup, Money.FromDollars(100), "Top-up", new Origin(EntrySources.Console, "tests")), Ct));
        var second = await RoundAsync("b");
        Assert.Equal(1, second.Count(r => r.Succeeded));
        Assert.All(second.Where(r => !r.Succeeded), r => Assert.Equal(LedgerError.BudgetExceeded, r.Failure!.Error));

        var cappedHolds = first.Concat(second).Where((r, i) => r.Succeeded && i % 2 == 0).Count();
        Assert.InRange(cappedHolds, 0, 3);
        Assert.Equal(7 * h, await CommittedAsync(accountBudget));
        Assert.Equal(cappedHolds * h, await CommittedAsync(keyBudget));
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(7, await db.Reservations.CountAsync(r => r.AccountId == account, Ct));
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Reserve_OverBudget_NamesTheBudgetWithTheLeastRoom()
    {
        var h = OddHold;
        var (account, key) = await NewCustomerAsync(Money.FromDollars(100));
        await NewBudgetAsync(account, null, 10 * h, BudgetPeriods.Lifetime);
        var weekly = await NewBudgetAsync(account, key, 2 * h, BudgetPeriods.Weekly);
        Ok(await Meter.ReserveAsync(Reserve(key, OddModel, 1_000_000, 0), Ct));
        Ok(await Meter.ReserveAsync(Reserve(key, OddModel, 1_000_000, 0), Ct));

        var refused = await Meter.ReserveAsync(Reserve(key, OddModel, 1_000_000, 0), Ct);

        Fails(refused, LedgerError.BudgetExceeded);
        // 2026-03-10 is a Tuesday: the ISO week ends on Monday 2026-03-16 00:00 UTC.
        Assert.Equal(new BudgetRefusal(weekly, BudgetPeriods.Weekly, new DateTime(2026, 3, 16, 0, 0, 0, DateTimeKind.Utc)), refused.Failure!.Budget);
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Reserve_AtThePeriodBoundary_StartsTheBudgetAfresh()
    {
        var h = OddHold;
        var (account, key) = await NewCustomerAsync(Money.FromDollars(100));
        var weekly = await NewBudgetAsync(account, null, 2 * h, BudgetPeriods.Weekly);
        var lifetime = await NewBudgetAsync(account, key, 3 * h, BudgetPeriods.Lifetime);
        var old = Ok(await Meter.ReserveAsync(Reserve(key, OddModel, 1_000_000, 0), Ct));
        Ok(await Meter.ReserveAsync(Reserve(key, OddModel, 1_000_000, 0), Ct));

        Clock.SetUtcNow(new DateTimeOffset(2026, 3, 15, 23, 59, 59, TimeSpan.Zero));
        Fails(await Meter.ReserveAsync(Reserve(key, OddModel, 1_000_000, 0), Ct), LedgerError.BudgetExceeded);
        Clock.SetUtcNow(new DateTimeOffset(2026, 3, 16, 0, 0, 0, TimeSpan.Zero));
        Ok(await Meter.ReserveAsync(Reserve(key, OddModel, 1_000_000, 0), Ct));
        Assert.Equal(h, await CommittedAsync(weekly));

        // A hold of the last week settling now leaves this week's counter alone; the lifetime budget never resets.
        Ok(await Meter.SettleAsync(Settle(old.ReservationId, 100_000, 0), Ct));
        Assert.Equal(h, await CommittedAsync(weekly));
        var refused = await Meter.ReserveAsync(Reserve(key, OddModel, 1_000_000, 0), Ct);
        Fails(refused, LedgerError.BudgetExceeded);
        Assert.Equal(new BudgetRefusal(lifetime, BudgetPeriods.Lifetime, null), refused.Failure!.Budget);
        // The old week's holds expired meanwhile: its settle was charged late, and the other one is released now.
        Assert.Equal(2 * h + h / 10, await CommittedAsync(lifetime));
        while (await Db.Writer(Clock).ReleaseExpiredAsync(ct: Ct) > 0) { }
        Assert.Equal(h + h / 10, await CommittedAsync(lifetime));
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Resolutions_SettleReleaseExpiryAndLateSettle_MoveTheCounterAsTheCheckerProves()
    {
        var h = OddHold;
        var (account, key) = await NewCustomerAsync(Money.FromDollars(100));
        var budget = await NewBudgetAsync(account, key, 10 * h, BudgetPeriods.Monthly);
        var settled = Ok(await Meter.ReserveAsync(Reserve(key, OddModel, 1_000_000, 0), Ct));
        var released = Ok(await Meter.ReserveAsync(Reserve(key, OddModel, 1_000_000, 0), Ct));
        var batch = Ok(await Meter.ReserveAsync(Reserve(key, OddModel, 1_000_000, 0), Ct));
        var expiring = Ok(await Meter.ReserveAsync(Reserve(key, OddModel, 1_000_000, 0) with { Ttl = TimeSpan.FromMinutes(1) }, Ct));
        Assert.Equal(4 * h, await CommittedAsync(budget));

        Ok(await Meter.SettleAsync(Settle(settled.ReservationId, 200_000, 0), Ct));
        Ok(await Meter.ReleaseAsync(released.ReservationId, "cancelled", Ct));
        Assert.All(await Meter.SettleManyAsync([Settle(batch.ReservationId, 400_000, 0), Settle(batch.ReservationId, 400_000, 0)], Ct), r => Ok(r));
        Assert.Equal(h / 5 + 2 * h / 5 + h, await CommittedAsync(budget));
        Clock.Advance(TimeSpan.FromMinutes(2));
        while (await Db.Writer(Clock).ReleaseExpiredAsync(ct: Ct) > 0) { }
        Assert.Equal(h / 5 + 2 * h / 5, await CommittedAsync(budget));
        Ok(await Meter.SettleAsync(Settle(expiring.ReservationId, 500_000, 0), Ct));

        Assert.Equal(h / 5 + 2 * h / 5 + h / 2, await CommittedAsync(budget));
        await AssertInvariantsHoldAsync(account);
        var view = Assert.Single(await Budgets.ListAsync(account, Ct));
        Assert.Equal((h / 5 + 2 * h / 5 + h / 2, 10 * h - (h / 5 + 2 * h / 5 + h / 2)), (view.Spent.Units, view.Remaining.Units));
    }

    [Fact]
    public async Task Checker_TamperedBudgetCounterOrHoldRow_IsReported()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(5));
        var budget = await NewBudgetAsync(account, null, OddHold * 5, BudgetPeriods.Daily);
        var hold = Ok(await Meter.ReserveAsync(Reserve(key, OddModel, 1_000_000, 0), Ct));
        await AssertInvariantsHoldAsync(account);

        await Db.ExecuteSqlAsync($"UPDATE budgets SET committed = committed + 1 WHERE id = {budget}");
        var run = await new Invariants.InvariantChecker(Db.Factory, Clock).RunAsync(Invariants.InvariantCheckMode.Full, [account], Ct);
        Assert.Contains(run.Violations, v => v.Kind == "budget_counter_mismatch" && v.Detail.Contains($"Budget {budget} counts"));

        await Db.ExecuteSqlAsync($"UPDATE reservation_budgets SET amount = amount + 1 WHERE reservation_id = {hold.ReservationId}");
        run = await new Invariants.InvariantChecker(Db.Factory, Clock).RunAsync(Invariants.InvariantCheckMode.Full, [account], Ct);
        Assert.Contains(run.Violations, v => v.Kind == "budget_counter_mismatch" && v.Detail.Contains($"hold {hold.ReservationId}"));
    }

    [Fact]
    public async Task Reserve_RefusedByTheFloor_LeavesTheBudgetsUntouched()
    {
        var (account, key) = await NewCustomerAsync(Money.FromCents(1));
        var budget = await NewBudgetAsync(account, key, Money.FromDollars(10).Units, BudgetPeriods.Daily);

        Fails(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 100_000, 10_000), Ct), LedgerError.InsufficientCredits);

        Assert.Equal(0, await CommittedAsync(budget));
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.False(await db.ReservationBudgets.AnyAsync(x => x.BudgetId == budget, Ct));
        await AssertInvariantsHoldAsync(account);
    }
}
