using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Data;

/// <summary>The LedgerDayTotals migration totals the entries already written, by UTC day and type.</summary>
public abstract class DayTotalsMigrationTests(LedgerDatabase database)
{
    public const string PreviousMigration = "AdminAuditLog";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migration_TotalsTheExistingEntries_ByUtcDayAndType()
    {
        database.RequireAvailable();
        var accountId = await CreateAccountAtPreviousMigrationAsync();
        // Written behind the writer's back (its batches need the new table): a valid chain over two UTC days.
        var entries = new (string Type, long Amount, DateTime At)[]
        {
            (EntryTypes.Topup, 10_000, new DateTime(2026, 3, 9, 23, 59, 59, 999, DateTimeKind.Utc).AddTicks(9_990)),
            (EntryTypes.PlatformFee, -500, new DateTime(2026, 3, 9, 23, 59, 59, 999, DateTimeKind.Utc).AddTicks(9_990)),
            (EntryTypes.Topup, 2_000, new DateTime(2026, 3, 10, 0, 0, 0, DateTimeKind.Utc)),
            (EntryTypes.StorageBilling, -300, new DateTime(2026, 3, 10, 12, 0, 0, DateTimeKind.Utc)),
            (EntryTypes.StorageBilling, -200, new DateTime(2026, 3, 10, 23, 0, 0, DateTimeKind.Utc)),
        };
        await using (var db = await database.Factory.CreateDbContextAsync(Ct))
        {
            var balance = 0L;
            foreach (var (e, i) in entries.Select((e, i) => (e, i)))
                db.LedgerEntries.Add(new LedgerEntry
                {
                    AccountId = accountId, Sequence = i + 1, Type = e.Type, Amount = e.Amount, BalanceAfter = balance += e.Amount, CreatedAt = e.At,
                    Description = "before the migration", Source = EntrySources.Admin, Actor = "tests",
                });
            await db.SaveChangesAsync(Ct);
            await db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.Balance, balance).SetProperty(a => a.LastSequence, entries.Length).SetProperty(a => a.LastEntryAt, entries[^1].At), Ct);
        }

        await database.MigrateAsync();

        await using var check = await database.Factory.CreateDbContextAsync(Ct);
        var totals = await check.LedgerDayTotals.Where(t => t.AccountId == accountId).OrderBy(t => t.Day).ThenBy(t => t.Type)
            .Select(t => new { t.Day, t.Type, t.Entries, t.Amount }).ToListAsync(Ct);
        Assert.Equal([
            new { Day = new DateOnly(2026, 3, 9), Type = EntryTypes.PlatformFee, Entries = 1L, Amount = -500L },
            new { Day = new DateOnly(2026, 3, 9), Type = EntryTypes.Topup, Entries = 1L, Amount = 10_000L },
            new { Day = new DateOnly(2026, 3, 10), Type = EntryTypes.StorageBilling, Entries = 2L, Amount = -500L },
            new { Day = new DateOnly(2026, 3, 10), Type = EntryTypes.Topup, Entries = 1L, Amount = 2_000L },
        ], totals);
        var run = await new InvariantChecker(database.Factory, TimeProvider.System).RunAsync(InvariantCheckMode.Full, [accountId], Ct);
        Assert.True(run.ViolationCount == 0, string.Join("\n", run.Violations.Select(v => $"{v.Kind}: {v.Detail}")));
    }

    /// <summary>In SQL: the current model's account has columns that later migrations add.</summary>
    private async Task<long> CreateAccountAtPreviousMigrationAsync()
    {
        var name = $"before day totals {Guid.NewGuid():N}";
        await using var db = await database.Factory.CreateDbContextAsync(Ct);
        await db.Database.ExecuteSqlAsync($@"INSERT INTO accounts (name, currency, balance, overdraft_floor, last_sequence,
            auto_recharge_enabled, auto_recharge_sequence, created_at) VALUES ({name}, 'USD', 0, 0, 0, {false}, 0, {DateTime.UtcNow})", Ct);
        return await db.Database.SqlQuery<long>($"SELECT id AS \"Value\" FROM accounts WHERE name = {name}").SingleAsync(Ct);
    }
}

public sealed class SqliteBeforeDayTotals : SqliteLedgerDatabase
{
    protected override string? StartMigration => DayTotalsMigrationTests.PreviousMigration;
}

public sealed class PostgresBeforeDayTotals : PostgresLedgerDatabase
{
    protected override string? StartMigration => DayTotalsMigrationTests.PreviousMigration;
}

public sealed class SqlServerBeforeDayTotals : SqlServerLedgerDatabase
{
    protected override string? StartMigration => DayTotalsMigrationTests.PreviousMigration;
}

public sealed class SqliteDayTotalsMigrationTests(SqliteBeforeDayTotals db) : DayTotalsMigrationTests(db), IClassFixture<SqliteBeforeDayTotals>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresDayTotalsMigrationTests(PostgresBeforeDayTotals db) : DayTotalsMigrationTests(db), IClassFixture<PostgresBeforeDayTotals>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerDayTotalsMigrationTests(SqlServerBeforeDayTotals db) : DayTotalsMigrationTests(db), IClassFixture<SqlServerBeforeDayTotals>;
