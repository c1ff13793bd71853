using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Ledger;

/// <summary>
/// The ledger's contract, run unchanged against every provider (see the derived classes at the bottom). Each test owns
/// the accounts it creates and ends by asking the invariant checker about them.
/// </summary>
public abstract partial class LedgerConformanceTests(LedgerDatabase database) : LedgerTest(database);

/// <summary>Helpers for tests that write a real ledger: accounts of their own, result checks, and the invariant checker.</summary>
public abstract class LedgerTest(LedgerDatabase database)
{
    protected readonly LedgerDatabase Db = database;
    protected static readonly Origin Tester = new(EntrySources.Console, "tests");
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected LedgerWriter Ledger => Db.Writer();

    protected async Task<long> NewAccountAsync(Money? balance = null, Money? floor = null)
    {
        Db.RequireAvailable();
        var id = await Db.CreateAccountAsync(floor);
        if (balance is { Units: > 0 } b)
            Ok(await Ledger.PostAsync(new PostRequest(id, EntryTypes.Topup, b, "Opening top-up", Tester), Ct));
        return id;
    }

    protected static T Ok<T>(LedgerResult<T> result) where T : class
    {
        Assert.True(result.Succeeded, $"Expected success but got {result.Failure}");
        return result.Value!;
    }

    protected static void Fails<T>(LedgerResult<T> result, LedgerError error) where T : class
    {
        Assert.False(result.Succeeded, "Expected a failure but the write succeeded.");
        Assert.Equal(error, result.Failure!.Error);
    }

    protected async Task<(long Balance, long Entries, long LastSequence)> StateAsync(long accountId)
    {
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId, Ct);
        var count = await db.LedgerEntries.LongCountAsync(e => e.AccountId == accountId, Ct);
        return (account.Balance, count, account.LastSequence);
    }

    protected async Task AssertInvariantsHoldAsync(params long[] accountIds)
    {
        var run = await new Invariants.InvariantChecker(Db.Factory, TimeProvider.System).RunAsync(Invariants.InvariantCheckMode.Full, accountIds, Ct);
        Assert.True(run.ViolationCount == 0, string.Join("\n", run.Violations.Select(v => $"{v.Kind}: {v.Detail}")));
        Assert.Equal(accountIds.Length, run.AccountsChecked);
    }

    protected static PostRequest Credit(long accountId, Money amount, string? key = null) =>
        new(accountId, EntryTypes.Topup, amount, "Top-up", Tester, IdempotencyKey: key);

    protected static PostRequest Debit(long accountId, Money amount, string? key = null) =>
        new(accountId, EntryTypes.UsageDebit, -amount, "Usage", Tester, IdempotencyKey: key);

    protected static Money Dollars(long d) => Money.FromDollars(d);

    protected static Money Cents(long c) => Money.FromCents(c);
}

public sealed class SqliteLedgerConformanceTests(SqliteLedgerDatabase db) : LedgerConformanceTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresLedgerConformanceTests(PostgresLedgerDatabase db) : LedgerConformanceTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerLedgerConformanceTests(SqlServerLedgerDatabase db) : LedgerConformanceTests(db), IClassFixture<SqlServerLedgerDatabase>;
