using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Metering;

public abstract partial class MeteringConformanceTests
{
    [Fact]
    public async Task KeyLimit_UnderConcurrency_AdmitsExactlyWhatFits()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(100), keyLimit: Money.FromDollars(1));
        var hold = Catalog.FindBySlug(OddModel)!.PriceAt(Clock.GetUtcNow().UtcDateTime)!.InputPerMillion; // 1M input tokens each
        var fits = (int)(Money.FromDollars(1).Units / hold);

        var results = await Task.WhenAll(Enumerable.Range(0, fits + 15)
            .Select(i => Task.Run(() => Meter.ReserveAsync(Reserve(key, OddModel, 1_000_000, 0, $"call-{i}"), Ct))));

        Assert.Equal(fits, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(LedgerError.SpendLimitReached, r.Failure!.Error));
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(fits * hold, (await db.ApiKeys.SingleAsync(k => k.Id == key, Ct)).SpendCommitted);
        Assert.Equal((Money.FromDollars(100).Units - fits * hold), (await db.Accounts.SingleAsync(a => a.Id == account, Ct)).Balance);

        // Settling below the hold frees the difference for the next call.
        var first = results.First(r => r.Succeeded).Value!;
        Ok(await Meter.SettleAsync(Settle(first.ReservationId, 100_000, 0), Ct));
        Ok(await Meter.ReserveAsync(Reserve(key, OddModel, 800_000, 0), Ct));
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task KeyLimit_NewMonth_StartsAfresh()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(100), keyLimit: Money.FromCents(5));
        var hold = Ok(await Meter.ReserveAsync(Reserve(key, OddModel, 1_000_000, 0), Ct));
        Ok(await Meter.SettleAsync(Settle(hold.ReservationId, 1_000_000, 0), Ct));
        Fails(await Meter.ReserveAsync(Reserve(key, OddModel, 1_000_000, 0), Ct), LedgerError.SpendLimitReached);

        Clock.SetUtcNow(new DateTimeOffset(2026, 4, 1, 0, 0, 1, TimeSpan.Zero));
        Ok(await Meter.ReserveAsync(Reserve(key, OddModel, 500_000, 0), Ct));
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Reserve_InsufficientCredits_LeavesTheKeyCounterUntouched()
    {
        var (account, key) = await NewCustomerAsync(Money.FromCents(1), keyLimit: Money.FromDollars(10));
        Fails(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 100_000, 10_000), Ct), LedgerError.InsufficientCredits);

        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(0, (await db.ApiKeys.SingleAsync(k => k.Id == key, Ct)).SpendCommitted);
        Assert.False(await db.Reservations.AnyAsync(r => r.AccountId == account, Ct));
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Reserve_BadInput_IsRefusedAndWritesNothing()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(1));
        Fails(await Meter.ReserveAsync(Reserve(key, "no-such-model", 10, 10), Ct), LedgerError.InvalidRequest);
        Fails(await Meter.ReserveAsync(Reserve(key, "gpt-4o", -1, 10), Ct), LedgerError.InvalidRequest);
        Fails(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 0, 0), Ct), LedgerError.InvalidRequest);
        Fails(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 200_000_000, 10), Ct), LedgerError.InvalidRequest);
        Fails(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 200_000, 10), Ct), LedgerError.InvalidRequest); // over the context window
        Fails(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 10, 10, tags: ["<script>"]), Ct), LedgerError.InvalidRequest);
        Fails(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 10, 10) with { IdempotencyKey = " " }, Ct), LedgerError.InvalidRequest);
        Fails(await Meter.ReserveAsync(Reserve(987_654_321, "gpt-4o", 10, 10), Ct), LedgerError.NotFound);
        var hold = Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 10, 10), Ct));
        Fails(await Meter.SettleAsync(Settle(hold.ReservationId, -1, 10), Ct), LedgerError.InvalidRequest);
        Fails(await Meter.SettleAsync(Settle(hold.ReservationId, 10, 10, cached: 11), Ct), LedgerError.InvalidRequest);
        Fails(await Meter.SettleAsync(Settle(hold.ReservationId, 10, 10) with { Status = "weird" }, Ct), LedgerError.InvalidRequest);
        Fails(await Meter.SettleAsync(Settle(987_654_321, 10, 10), Ct), LedgerError.NotFound);

        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(2, await db.LedgerEntries.CountAsync(e => e.AccountId == account, Ct));
        Assert.False(await db.RequestRecords.AnyAsync(r => r.AccountId == account, Ct));
    }

    [Fact]
    public async Task Reserve_RevokedKey_IsRefused()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(1));
        await using (var db = await Db.Factory.CreateDbContextAsync(Ct))
        {
            var apiKey = await db.ApiKeys.SingleAsync(k => k.Id == key, Ct);
            apiKey.RevokedAt = Clock.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(Ct);
        }
        Fails(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 10, 10), Ct), LedgerError.KeyRevoked);
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Reserve_RetryWithSameIdempotencyKey_ReturnsTheSameHold()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(1));
        var results = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(_ => Task.Run(() => Meter.ReserveAsync(Reserve(key, "gpt-4o", 100, 100, "same-call"), Ct))));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Failure?.ToString()));
        Assert.Single(results.Select(r => r.Value!.ReservationId).Distinct());
        Fails(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 100, 101, "same-call"), Ct), LedgerError.IdempotencyConflict);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(results[0].Value!.Held.Units, (await db.ApiKeys.SingleAsync(k => k.Id == key, Ct)).SpendCommitted);
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Reserve_RetryDifferingInAnyField_IsIdempotencyConflict_AndWritesNothing()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(1));
        var (_, otherKey) = await NewCustomerAsync(Money.FromDollars(1));
        var first = Reserve(key, "gpt-4o", 100, 100, "tagged-call", ["prod", "eu"]);
        var hold = Ok(await Meter.ReserveAsync(first, Ct));

        // The same request (tags in another order normalize to the same set) replays the first hold.
        var again = Ok(await Meter.ReserveAsync(first with { Tags = ["eu", "prod"] }, Ct));
        Assert.True(again.Replayed);
        Assert.Equal(hold.ReservationId, again.ReservationId);

        Fails(await Meter.ReserveAsync(first with { Tags = ["prod"] }, Ct), LedgerError.IdempotencyConflict);
        Fails(await Meter.ReserveAsync(first with { Tags = null }, Ct), LedgerError.IdempotencyConflict);
        Fails(await Meter.ReserveAsync(first with { MaxInputTokens = 101, MaxOutputTokens = 99 }, Ct), LedgerError.IdempotencyConflict);
        Fails(await Meter.ReserveAsync(first with { Model = "gpt-4o-mini" }, Ct), LedgerError.IdempotencyConflict);
        Fails(await Meter.ReserveAsync(first with { Ttl = TimeSpan.FromHours(1) }, Ct), LedgerError.IdempotencyConflict);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(1, await db.Reservations.CountAsync(r => r.AccountId == account, Ct));
        Assert.Equal(hold.Held.Units, (await db.ApiKeys.SingleAsync(k => k.Id == key, Ct)).SpendCommitted);
        Assert.Equal(0, (await db.ApiKeys.SingleAsync(k => k.Id == otherKey, Ct)).SpendCommitted);
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Checker_TamperedRollupOrKeyCounter_IsReported()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(5));
        var hold = Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 1_000, 1_000), Ct));
        Ok(await Meter.SettleAsync(Settle(hold.ReservationId, 500, 500), Ct));
        await AssertInvariantsHoldAsync(account);

        await Db.ExecuteSqlAsync($"UPDATE usage_rollups SET cost = cost + 1 WHERE account_id = {account}");
        await Db.ExecuteSqlAsync($"UPDATE api_keys SET spend_committed = spend_committed + 1 WHERE id = {key}");
        var run = await new Invariants.InvariantChecker(Db.Factory, Clock).RunAsync(Invariants.InvariantCheckMode.Full, [account], Ct);

        Assert.Contains(run.Violations, v => v.Kind == "rollup_mismatch");
        Assert.Contains(run.Violations, v => v.Kind == "key_counter_mismatch");
    }

    [Fact]
    public async Task Checker_Incremental_ComparesTheDerivedTablesOfTheNewDays_AndAFullRunAllOfThem()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(5));
        var monday = Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 1_000, 1_000), Ct));
        Ok(await Meter.SettleAsync(Settle(monday.ReservationId, 500, 500), Ct));
        var checker = new Invariants.InvariantChecker(Db.Factory, Clock);
        Assert.Equal(0, (await checker.RunAsync(Invariants.InvariantCheckMode.Full, [account], Ct)).ViolationCount);

        Clock.Advance(TimeSpan.FromDays(1));
        var tuesday = Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 1_000, 1_000), Ct));
        Ok(await Meter.SettleAsync(Settle(tuesday.ReservationId, 400, 400), Ct));
        // A broken rollup on the old day is outside an incremental run's range; one on the new day is not.
        var oldDay = DateTime.SpecifyKind(Clock.GetUtcNow().UtcDateTime.Date.AddDays(-1), DateTimeKind.Utc);
        await using (var db = await Db.Factory.CreateDbContextAsync(Ct))
            Assert.Equal(1, await db.UsageRollups.Where(u => u.AccountId == account && u.Day == oldDay)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.Calls, x => x.Calls + 1), Ct));
        Assert.Equal(0, (await checker.RunAsync(Invariants.InvariantCheckMode.Incremental, [account], Ct)).ViolationCount);
        Assert.Equal("rollup_mismatch", Assert.Single((await checker.RunAsync(Invariants.InvariantCheckMode.Full, [account], Ct)).Violations).Kind);

        Clock.Advance(TimeSpan.FromMinutes(5));
        var later = Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 1_000, 1_000), Ct));
        Ok(await Meter.SettleAsync(Settle(later.ReservationId, 300, 300), Ct));
        await Db.ExecuteSqlAsync($"UPDATE request_records SET cost = cost + 1 WHERE reservation_id = {later.ReservationId}");
        var kinds = (await checker.RunAsync(Invariants.InvariantCheckMode.Incremental, [account], Ct)).Violations.Select(v => v.Kind).ToList();
        Assert.Contains("rollup_mismatch", kinds);
        Assert.Contains("request_cost_mismatch", kinds);
    }
}
