using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace BillingConsole.Accounting.Tests.Reliability;

/// <summary>What makes the checker's word trustworthy, shown deterministically on each provider: its reads share one
/// snapshot that writers do not wait for, and its incremental cursor cannot skip a write stamped before the last run.</summary>
public abstract class ConsistentReadTests(LedgerDatabase database)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly Origin Tester = new(EntrySources.Admin, "consistent-read-test");

    [Fact]
    public async Task ReadAsync_WriteCommittedDuringTheRead_IsNotSeen_AndIsNotBlocked()
    {
        var ledger = database.Writer();
        var id = await database.CreateAccountAsync();
        Assert.True((await ledger.PostAsync(new PostRequest(id, EntryTypes.Topup, Money.FromDollars(10), "Top-up", Tester), Ct)).Succeeded);

        await using var reader = await database.Factory.CreateDbContextAsync(Ct);
        var (before, during) = await ConsistentRead.ReadAsync(reader, async () =>
        {
            var first = await reader.Accounts.Where(a => a.Id == id).Select(a => a.Balance).SingleAsync(Ct);
            // A writer that had to wait for the reader (SQLite's BEGIN IMMEDIATE, SQL Server's shared locks) would time out here.
            var write = await ledger.PostAsync(new PostRequest(id, EntryTypes.Topup, Money.FromDollars(1), "During the read", Tester), Ct)
                .WaitAsync(TimeSpan.FromSeconds(20), Ct);
            Assert.True(write.Succeeded);
            var balance = await reader.Accounts.Where(a => a.Id == id).Select(a => a.Balance).SingleAsync(Ct);
            var entries = await reader.LedgerEntries.Where(e => e.AccountId == id).SumAsync(e => e.Amount, Ct);
            var dayTotals = await reader.LedgerDayTotals.Where(t => t.AccountId == id).SumAsync(t => t.Amount, Ct);
            return (first, (balance, entries, dayTotals));
        }, Ct);

        Assert.Equal((before, before, before), during);
        await using var after = await database.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(before + Money.FromDollars(1).Units, await after.Accounts.Where(a => a.Id == id).Select(a => a.Balance).SingleAsync(Ct));
    }

    [Fact]
    public async Task RunAsync_IncrementalAfterAHoldStampedBeforeTheLastRun_StillChecksThatHold()
    {
        // The writer's clock is an hour behind the checker's: its settle looks older than the last run, as a
        // transaction stamped before a run and committed after it does.
        var writerClock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        var ledger = database.Writer(writerClock);
        var checker = new InvariantChecker(database.Factory, TimeProvider.System);
        var id = await database.CreateAccountAsync();
        Assert.True((await ledger.PostAsync(new PostRequest(id, EntryTypes.Topup, Money.FromDollars(10), "Top-up", Tester), Ct)).Succeeded);
        Assert.Equal(0, (await checker.RunAsync(InvariantCheckMode.Incremental, [id], Ct)).ViolationCount);

        var hold = (await ledger.ReserveAsync(new ReserveRequest(id, Money.FromCents(50), "Hold", Tester), Ct)).Value!;
        Assert.True((await ledger.SettleAsync(new SettleRequest(id, hold.ReservationId, Money.FromCents(20), "Settled", Tester), Ct)).Succeeded);
        // Damage only the hold check sees: the reservation no longer matches its hold entry.
        Assert.Equal(1, await database.ExecuteSqlAsync($"UPDATE reservations SET amount = amount + 1 WHERE id = {hold.ReservationId}"));

        var run = await checker.RunAsync(InvariantCheckMode.Incremental, [id], Ct);

        Assert.Equal((1, 2L), (run.AccountsChecked, run.EntriesChecked));
        Assert.Equal("hold_entry_mismatch", Assert.Single(run.Violations).Kind);
    }
}

public sealed class SqliteConsistentReadTests(SqliteLedgerDatabase db) : ConsistentReadTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresConsistentReadTests(PostgresLedgerDatabase db) : ConsistentReadTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerConsistentReadTests(SqlServerLedgerDatabase db) : ConsistentReadTests(db), IClassFixture<SqlServerLedgerDatabase>;
