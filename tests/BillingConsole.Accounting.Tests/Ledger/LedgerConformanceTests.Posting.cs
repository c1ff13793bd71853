using Microsoft.EntityFrameworkCore;
using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Accounting.Tests.Ledger;

public abstract partial class LedgerConformanceTests
{
    [Fact]
    public async Task Post_CreditThenDebit_AppendsGapFreeChain()
    {
        var id = await NewAccountAsync();
        var first = Ok(await Ledger.PostAsync(Credit(id, Dollars(10)), Ct));
        var second = Ok(await Ledger.PostAsync(Debit(id, Cents(250)), Ct));

        Assert.Equal((1L, Dollars(10)), (first.Sequence, first.BalanceAfter));
        Assert.Equal((2L, Cents(750)), (second.Sequence, second.BalanceAfter));
        Assert.Equal((Cents(750).Units, 2L, 2L), await StateAsync(id));
        await AssertInvariantsHoldAsync(id);
    }

    [Fact]
    public async Task Post_EveryTypeFollowsItsSignRule_AndWrongSignsWriteNothing()
    {
        var id = await NewAccountAsync(Dollars(1000));
        foreach (var rule in EntryTypes.All.Where(r => !EntryTypes.IsHoldType(r.Name)))
        {
            var before = await StateAsync(id);
            var positive = await Ledger.PostAsync(new PostRequest(id, rule.Name, Dollars(1), $"{rule.Name} +", Tester), Ct);
            var negative = await Ledger.PostAsync(new PostRequest(id, rule.Name, -Dollars(1), $"{rule.Name} -", Tester), Ct);

            Assert.Equal(rule.Sign != AmountSign.Negative, positive.Succeeded);
            Assert.Equal(rule.Sign != AmountSign.Positive, negative.Succeeded);
            if (!positive.Succeeded)
                Assert.Equal(LedgerError.InvalidRequest, positive.Failure!.Error);
            if (!negative.Succeeded)
                Assert.Equal(LedgerError.InvalidRequest, negative.Failure!.Error);
            var expected = (positive.Succeeded ? 1 : 0) + (negative.Succeeded ? 1 : 0);
            Assert.Equal(before.Entries + expected, (await StateAsync(id)).Entries);
        }
        await AssertInvariantsHoldAsync(id);
    }

    [Fact]
    public async Task Post_BadInput_IsRefusedAndWritesNothing()
    {
        var id = await NewAccountAsync(Dollars(5));
        var before = await StateAsync(id);

        Fails(await Ledger.PostAsync(Credit(id, Money.Zero), Ct), LedgerError.InvalidRequest);
        Fails(await Ledger.PostAsync(new PostRequest(id, "gpu_magic", Dollars(1), "x", Tester), Ct), LedgerError.InvalidRequest);
        Fails(await Ledger.PostAsync(new PostRequest(id, EntryTypes.Reservation, -Dollars(1), "x", Tester), Ct), LedgerError.InvalidRequest);
        Fails(await Ledger.PostAsync(new PostRequest(id, EntryTypes.Settlement, Dollars(1), "x", Tester), Ct), LedgerError.InvalidRequest);
        Fails(await Ledger.PostAsync(Credit(id, Money.Max + new Money(1)), Ct), LedgerError.InvalidRequest);
        Fails(await Ledger.PostAsync(new PostRequest(id, EntryTypes.Topup, Dollars(1), "  ", Tester), Ct), LedgerError.InvalidRequest);
        Fails(await Ledger.PostAsync(new PostRequest(id, EntryTypes.Topup, Dollars(1), new string('x', 501), Tester), Ct), LedgerError.InvalidRequest);
        Fails(await Ledger.PostAsync(new PostRequest(id, EntryTypes.Topup, Dollars(1), "x", new Origin("browser", "me")), Ct), LedgerError.InvalidRequest);
        Fails(await Ledger.PostAsync(Credit(id, Dollars(1), new string('k', 201)), Ct), LedgerError.InvalidRequest);
        Fails(await Ledger.PostAsync(Credit(999_999_999, Dollars(1)), Ct), LedgerError.NotFound);

        Assert.Equal(before, await StateAsync(id));
    }

    [Fact]
    public async Task Post_BeyondTheBalanceRange_IsRefusedWithoutOverflow()
    {
        var id = await NewAccountAsync(Money.Max - Dollars(1));
        var before = await StateAsync(id);

        Fails(await Ledger.PostAsync(Credit(id, Dollars(2)), Ct), LedgerError.BalanceLimit);

        Assert.Equal(before, await StateAsync(id));
        Ok(await Ledger.PostAsync(Credit(id, Dollars(1)), Ct));
        Assert.Equal(Money.Max.Units, (await StateAsync(id)).Balance);
        await AssertInvariantsHoldAsync(id);
    }

    [Fact]
    public async Task Post_DebitBelowFloor_IsInsufficientCredits_ButNegativeFloorAllowsOverdraft()
    {
        var plain = await NewAccountAsync(Dollars(5));
        Fails(await Ledger.PostAsync(Debit(plain, Cents(501)), Ct), LedgerError.InsufficientCredits);
        Ok(await Ledger.PostAsync(Debit(plain, Dollars(5)), Ct));
        Assert.Equal(0, (await StateAsync(plain)).Balance);

        var credit = await NewAccountAsync(Dollars(5), floor: -Dollars(20));
        Ok(await Ledger.PostAsync(Debit(credit, Dollars(25)), Ct));
        Fails(await Ledger.PostAsync(Debit(credit, Cents(1)), Ct), LedgerError.InsufficientCredits);
        Assert.Equal(-Dollars(20).Units, (await StateAsync(credit)).Balance);
        await AssertInvariantsHoldAsync(plain, credit);
    }

    [Fact]
    public async Task Post_ChargebackMayOverdraw_AndATopupBelowTheFloorStillLands()
    {
        var id = await NewAccountAsync(Dollars(10));
        Ok(await Ledger.PostAsync(new PostRequest(id, EntryTypes.Dispute, -Dollars(30), "Chargeback", Tester), Ct));
        Assert.Equal(-Dollars(20).Units, (await StateAsync(id)).Balance);
        Fails(await Ledger.PostAsync(Debit(id, Cents(1)), Ct), LedgerError.InsufficientCredits);

        Ok(await Ledger.PostAsync(Credit(id, Dollars(5)), Ct));
        Assert.Equal(-Dollars(15).Units, (await StateAsync(id)).Balance);
        await AssertInvariantsHoldAsync(id);
    }

    [Fact]
    public async Task Post_WithAClockThatGoesBack_NeverDatesAnEntryBeforeTheOneItFollows()
    {
        var late = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 4, 1, 0, 0, 0, 5, TimeSpan.Zero));
        // A writer that read the clock earlier but got the account's row lock later.
        var early = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 31, 23, 59, 59, 999, TimeSpan.Zero));
        var id = await NewAccountAsync();
        Ok(await Db.Writer(late).PostAsync(Credit(id, Dollars(1)), Ct));
        Ok(await Db.Writer(early).PostAsync(Credit(id, Dollars(1)), Ct));
        var hold = Ok(await Db.Writer(early).ReserveAsync(new ReserveRequest(id, Cents(5), "Hold", Tester), Ct));
        Ok(await Db.Writer(early).SettleAsync(new SettleRequest(id, hold.ReservationId, Cents(1), "Settled", Tester), Ct));

        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var times = await db.LedgerEntries.Where(e => e.AccountId == id).OrderBy(e => e.Sequence).Select(e => e.CreatedAt).ToListAsync(Ct);
        Assert.All(times, t => Assert.Equal(new DateTime(2026, 4, 1, 0, 0, 0, 5, DateTimeKind.Utc), t));
        await AssertInvariantsHoldAsync(id);
    }

    [Fact]
    public async Task Post_RetryWithSameKey_ReturnsFirstResultAndWritesNothing()
    {
        var id = await NewAccountAsync();
        var first = Ok(await Ledger.PostAsync(Credit(id, Dollars(3), "topup-1"), Ct));
        var again = Ok(await Ledger.PostAsync(Credit(id, Dollars(3), "topup-1"), Ct));

        Assert.False(first.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal(first.EntryId, again.EntryId);
        Assert.Equal(first.BalanceAfter, again.BalanceAfter);
        Assert.Equal((Dollars(3).Units, 1L, 1L), await StateAsync(id));
    }

    [Fact]
    public async Task Post_SameKeyOtherParameters_IsConflictAndWritesNothing()
    {
        var id = await NewAccountAsync();
        Ok(await Ledger.PostAsync(Credit(id, Dollars(3), "k"), Ct));

        Fails(await Ledger.PostAsync(Credit(id, Dollars(4), "k"), Ct), LedgerError.IdempotencyConflict);
        Fails(await Ledger.PostAsync(new PostRequest(id, EntryTypes.Bonus, Dollars(3), "Bonus", Tester, IdempotencyKey: "k"), Ct), LedgerError.IdempotencyConflict);
        Fails(await Ledger.PostAsync(Credit(id, Dollars(3), "k") with { Description = "Another reason" }, Ct), LedgerError.IdempotencyConflict);
        Fails(await Ledger.PostAsync(Credit(id, Dollars(3), "k") with { RefId = "cs_other" }, Ct), LedgerError.IdempotencyConflict);

        Assert.Equal((Dollars(3).Units, 1L, 1L), await StateAsync(id));
        var other = await NewAccountAsync();
        Ok(await Ledger.PostAsync(Credit(other, Dollars(4), "k"), Ct));
    }

    [Fact]
    public async Task Writes_ThatNeverLandForContention_AreContentionRefusals_NotInsufficientCredits()
    {
        var id = await NewAccountAsync(Dollars(5));
        var hold = Ok(await Ledger.ReserveAsync(new ReserveRequest(id, Dollars(1), "Hold", Tester), Ct));
        var contended = new LedgerWriter(Db.Factory, new NeverLandingDialect(Db.Dialect), TimeProvider.System);

        Fails(await contended.PostAsync(new PostRequest(id, EntryTypes.UsageDebit, -Dollars(1), "Usage", Tester), Ct), LedgerError.Contention);
        Fails(await contended.ReserveAsync(new ReserveRequest(id, Dollars(1), "Hold", Tester), Ct), LedgerError.Contention);
        Fails(await contended.SettleAsync(new SettleRequest(id, hold.ReservationId, Cents(50), "Settle", Tester), Ct), LedgerError.Contention);

        Assert.Equal((Dollars(4).Units, 2L, 2L), await StateAsync(id));
    }

    [Fact]
    public async Task Post_ConcurrentRetriesOfOneKey_WriteExactlyOnce()
    {
        var id = await NewAccountAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Ledger.PostAsync(Credit(id, Dollars(7), "same"), Ct))));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Failure?.ToString()));
        Assert.Single(results.Select(r => r.Value!.EntryId).Distinct());
        Assert.Single(results, r => !r.Value!.Replayed);
        Assert.Equal((Dollars(7).Units, 1L, 1L), await StateAsync(id));
    }

    [Fact]
    [Trait("Speed", "Slow")] // 1,000 concurrent writes to one account: up to a minute on SQLite on a busy machine
    public async Task Post_OpposingConcurrentCreditsAndDebits_EndAtExactBalance()
    {
        var id = await NewAccountAsync(Dollars(100));
        var credits = Enumerable.Range(0, 500).Select(i => Task.Run(() => Ledger.PostAsync(Credit(id, Cents(3), $"c{i}"), Ct)));
        var debits = Enumerable.Range(0, 500).Select(i => Task.Run(() => Ledger.PostAsync(Debit(id, Cents(2), $"d{i}"), Ct)));
        var results = await Task.WhenAll(credits.Concat(debits));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Failure?.ToString()));
        var (balance, entries, last) = await StateAsync(id);
        Assert.Equal((Dollars(100) + Cents(500 * 3) - Cents(500 * 2)).Units, balance);
        Assert.Equal((1001L, 1001L), (entries, last));
        await AssertInvariantsHoldAsync(id);
    }

    [Fact]
    public async Task Post_WithARecord_WritesBothOrNeither()
    {
        var id = await NewAccountAsync(Dollars(10));
        AdminAuditEntry Audit(long entryId, string reason) => new()
        {
            At = DateTime.UtcNow, Actor = "admin@example.com", Action = AdminActions.Correction, AccountId = id, Reason = reason, LedgerEntryId = entryId,
        };

        // The record's insert fails in the database (a NOT NULL column left empty): the entry goes with it.
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => Ledger.PostAsync(Credit(id, Cents(5), "admin:1"), e => Audit(e.EntryId, null!), Ct));
        await using (var db = await Db.Factory.CreateDbContextAsync(Ct))
        {
            Assert.Equal(Dollars(10).Units, (await db.Accounts.SingleAsync(a => a.Id == id, Ct)).Balance);
            Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.AccountId == id, Ct));
        }

        var posted = Ok(await Ledger.PostAsync(Credit(id, Cents(5), "admin:1"), e => Audit(e.EntryId, "Goodwill credit"), Ct));
        var replayed = Ok(await Ledger.PostAsync(Credit(id, Cents(5), "admin:1"), e => Audit(e.EntryId, "Goodwill credit"), Ct));
        Assert.True(replayed.Replayed);
        await using var check = await Db.Factory.CreateDbContextAsync(Ct);
        var audit = await check.AdminAuditLog.Where(a => a.AccountId == id).ToListAsync(Ct);
        Assert.Equal(posted.EntryId, Assert.Single(audit).LedgerEntryId);
        Assert.Equal(Dollars(10).Units + Cents(5).Units, (await check.Accounts.SingleAsync(a => a.Id == id, Ct)).Balance);
    }

    /// <summary>The idempotency index holds keyed entries only, on every provider (most entries have no key, so indexing
    /// them cost each one an index write), and a key still cannot be used twice while unkeyed entries never collide.</summary>
    [Fact]
    public async Task IdempotencyIndex_HoldsOnlyKeyedEntries_AndStillRefusesAReusedKey()
    {
        var id = await NewAccountAsync(Dollars(10));
        const string index = "ix_ledger_entries_account_id_idempotency_key";
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var query = db.Database.ProviderName switch
        {
            "Microsoft.EntityFrameworkCore.Sqlite" => $"SELECT sql AS \"Value\" FROM sqlite_master WHERE name = '{index}'",
            "Npgsql.EntityFrameworkCore.PostgreSQL" => $"SELECT indexdef AS \"Value\" FROM pg_indexes WHERE indexname = '{index}'",
            _ => $"SELECT filter_definition AS \"Value\" FROM sys.indexes WHERE name = '{index}'",
        };
        var definition = await db.Database.SqlQueryRaw<string>(query).SingleAsync(Ct);
        var normalized = new string(definition.Where(c => c is not ('[' or ']' or '(' or ')')).ToArray()).ToLowerInvariant();
        Assert.Contains("idempotency_key is not null", normalized);

        Ok(await Ledger.PostAsync(Debit(id, Cents(1)), Ct));
        Ok(await Ledger.PostAsync(Debit(id, Cents(1)), Ct));
        var keyed = Ok(await Ledger.PostAsync(Debit(id, Cents(2), "usage-1"), Ct));
        var again = Ok(await Ledger.PostAsync(Debit(id, Cents(2), "usage-1"), Ct));
        Assert.Equal((keyed.EntryId, true), (again.EntryId, again.Replayed));
        Fails(await Ledger.PostAsync(Debit(id, Cents(3), "usage-1"), Ct), LedgerError.IdempotencyConflict);
        Assert.Equal(4, (await StateAsync(id)).Entries);
        await AssertInvariantsHoldAsync(id);
    }
}
