using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Ledger;

public abstract partial class LedgerConformanceTests
{
    private InvariantChecker Checker => new(Db.Factory, TimeProvider.System);

    private async Task<long> AccountWithHistoryAsync()
    {
        var id = await NewAccountAsync(Dollars(10));
        var hold = Ok(await Ledger.ReserveAsync(new ReserveRequest(id, Cents(50), "Hold", Tester), Ct));
        Ok(await Ledger.SettleAsync(new SettleRequest(id, hold.ReservationId, Cents(20), "Settled", Tester), Ct));
        Ok(await Ledger.PostAsync(Debit(id, Cents(5)), Ct));
        return id;
    }

    [Fact]
    public async Task Checker_CleanLedger_HasNoViolations_AndRecordsTheRun()
    {
        var id = await AccountWithHistoryAsync();
        var run = await Checker.RunAsync(InvariantCheckMode.Full, [id], Ct);

        Assert.Equal((0, 1, 4L), (run.ViolationCount, run.AccountsChecked, run.EntriesChecked));
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.True(await db.InvariantRuns.AnyAsync(r => r.Id == run.Id && r.FinishedAt >= r.StartedAt, Ct));
    }

    [Fact]
    public async Task Checker_TamperedAmount_IsReported()
    {
        var id = await AccountWithHistoryAsync();
        Assert.Equal(1, await Db.ExecuteSqlAsync($"UPDATE ledger_entries SET amount = amount + 1 WHERE account_id = {id} AND sequence = 2"));

        var run = await Checker.RunAsync(InvariantCheckMode.Full, [id], Ct);

        Assert.Contains(run.Violations, v => v.AccountId == id && v.Kind == "chain_break");
        Assert.Contains(run.Violations, v => v.AccountId == id && v.Kind == "balance_mismatch");
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.True(await db.InvariantViolations.AnyAsync(v => v.RunId == run.Id && v.AccountId == id, Ct));
    }

    [Fact]
    public async Task Checker_TamperedBalance_DeletedEntryAndReopenedHold_AreReported()
    {
        var balance = await AccountWithHistoryAsync();
        await Db.ExecuteSqlAsync($"UPDATE accounts SET balance = balance + 7 WHERE id = {balance}");
        var gap = await AccountWithHistoryAsync();
        await Db.ExecuteSqlAsync($"DELETE FROM ledger_entries WHERE account_id = {gap} AND sequence = 4");
        var hold = await AccountWithHistoryAsync();
        await Db.ExecuteSqlAsync($"UPDATE reservations SET status = 'released' WHERE account_id = {hold}");
        await Db.ExecuteSqlAsync($"DELETE FROM ledger_entries WHERE account_id = {hold} AND type = 'settlement'");

        var run = await Checker.RunAsync(InvariantCheckMode.Full, [balance, gap, hold], Ct);

        Assert.Contains(run.Violations, v => v.AccountId == balance && v.Kind == "balance_mismatch");
        Assert.Contains(run.Violations, v => v.AccountId == gap && v.Kind == "sequence_gap");
        Assert.Contains(run.Violations, v => v.AccountId == hold && v.Kind == "hold_unresolved");
    }

    [Fact]
    public async Task Checker_Incremental_ReadsOnlyNewEntries_AndStillCatchesNewBreaks()
    {
        var id = await AccountWithHistoryAsync();
        Assert.Equal(0, (await Checker.RunAsync(InvariantCheckMode.Full, [id], Ct)).ViolationCount);

        var unchanged = await Checker.RunAsync(InvariantCheckMode.Incremental, [id], Ct);
        Assert.Equal((0, 0L), (unchanged.AccountsChecked, unchanged.EntriesChecked));

        Ok(await Ledger.PostAsync(Credit(id, Cents(1)), Ct));
        var oneMore = await Checker.RunAsync(InvariantCheckMode.Incremental, [id], Ct);
        Assert.Equal((0, 1, 1L), (oneMore.ViolationCount, oneMore.AccountsChecked, oneMore.EntriesChecked));

        Ok(await Ledger.PostAsync(Credit(id, Cents(1)), Ct));
        await Db.ExecuteSqlAsync($"UPDATE ledger_entries SET balance_after = balance_after + 1 WHERE account_id = {id} AND sequence = 6");
        var broken = await Checker.RunAsync(InvariantCheckMode.Incremental, [id], Ct);
        Assert.Contains(broken.Violations, v => v.Kind == "chain_break");
    }

    [Fact]
    public async Task Checker_TamperedDayTotal_IsReported_FullAndIncremental()
    {
        var id = await AccountWithHistoryAsync();
        Assert.Equal(0, (await Checker.RunAsync(InvariantCheckMode.Full, [id], Ct)).ViolationCount);
        Assert.Equal(1, await Db.ExecuteSqlAsync($"UPDATE ledger_day_totals SET amount = amount + 1 WHERE account_id = {id} AND type = 'settlement'"));

        var full = await Checker.RunAsync(InvariantCheckMode.Full, [id], Ct);
        Assert.Equal("day_total_mismatch", Assert.Single(full.Violations).Kind);

        // Incrementally, a total is re-counted when a new entry falls on its day (it is then the only finding).
        Assert.Equal(1, await Db.ExecuteSqlAsync($"UPDATE ledger_day_totals SET amount = amount - 1 WHERE account_id = {id} AND type = 'settlement'"));
        Assert.Equal(0, (await Checker.RunAsync(InvariantCheckMode.Full, [id], Ct)).ViolationCount);
        Assert.Equal(1, await Db.ExecuteSqlAsync($"UPDATE ledger_day_totals SET entries = entries + 1 WHERE account_id = {id} AND type = 'topup'"));
        Ok(await Ledger.PostAsync(Credit(id, Cents(1)), Ct));
        var incremental = await Checker.RunAsync(InvariantCheckMode.Incremental, [id], Ct);
        Assert.Equal((1L, "day_total_mismatch"), (incremental.EntriesChecked, Assert.Single(incremental.Violations).Kind));

        // A total for a day without entries is reported too.
        Assert.Equal(1, await Db.ExecuteSqlAsync($"UPDATE ledger_day_totals SET entries = entries - 1 WHERE account_id = {id} AND type = 'topup'"));
        await using (var db = await Db.Factory.CreateDbContextAsync(Ct))
        {
            db.LedgerDayTotals.Add(new LedgerDayTotal { AccountId = id, Day = new DateOnly(2020, 1, 1), Type = EntryTypes.Bonus, Entries = 1, Amount = 5 });
            await db.SaveChangesAsync(Ct);
        }
        var phantom = await Checker.RunAsync(InvariantCheckMode.Full, [id], Ct);
        Assert.Contains("2020-01-01", Assert.Single(phantom.Violations).Detail);
    }
}
