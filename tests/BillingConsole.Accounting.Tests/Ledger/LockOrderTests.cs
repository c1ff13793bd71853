using System.Data.Common;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Ledger;

/// <summary>
/// Every writer locks an account before any of its holds (reserves, batch settles and group commits do by construction).
/// A resolve that took its hold's row first and then waited for the account deadlocked with a group or a batch that held
/// the account and wanted the hold; under load three such deadlocks in a row answered a caller "contention". SQLite has
/// one writer at a time, so lock order is a server question only.
/// </summary>
public abstract class LockOrderTests(LedgerDatabase database) : LedgerTest(database)
{
    /// <summary>Locks account @id until the transaction ends.</summary>
    protected abstract string LockAccountSql { get; }

    /// <summary>Locks reservation @id, failing at once if another transaction holds it.</summary>
    protected abstract string LockHoldWithoutWaitingSql { get; }

    /// <summary>How many sessions of this database wait for a lock.</summary>
    protected abstract string WaitingSessionsSql { get; }

    [Fact]
    public async Task Resolve_WaitingForItsAccount_HasNotTakenItsHold()
    {
        var id = await NewAccountAsync(Dollars(5));
        var hold = Ok(await Ledger.ReserveAsync(new ReserveRequest(id, Cents(10), "Hold for a call", Tester), Ct)).ReservationId;

        // Another writer (a group commit, a batch settle) holds the account and is about to take the hold.
        await using var holder = await Db.Factory.CreateDbContextAsync(Ct);
        await holder.Database.OpenConnectionAsync(Ct);
        var connection = holder.Database.GetDbConnection();
        await using var tx = await connection.BeginTransactionAsync(Ct);
        await ExecuteAsync(connection, tx, LockAccountSql, id);

        var release = Task.Run(() => Ledger.ReleaseAsync(new ReleaseRequest(id, hold, "Released", Tester), Ct));
        await WaitUntilASessionWaitsAsync(release);

        // The release waits for the account without holding the hold's row, so the holder takes the hold at once.
        await ExecuteAsync(connection, tx, LockHoldWithoutWaitingSql, hold);
        await tx.CommitAsync(Ct);

        Assert.Equal(ReservationStatus.Released, Ok(await release).Status);
        Assert.Equal(Dollars(5).Units, (await StateAsync(id)).Balance);
        await AssertInvariantsHoldAsync(id);
    }

    private async Task WaitUntilASessionWaitsAsync(Task release)
    {
        await using var probe = await Db.Factory.CreateDbContextAsync(Ct);
        await probe.Database.OpenConnectionAsync(Ct);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (Convert.ToInt64(await ScalarAsync(probe.Database.GetDbConnection(), WaitingSessionsSql)) == 0)
        {
            Assert.False(release.IsCompleted, "The release finished while another transaction held its account.");
            Assert.True(DateTime.UtcNow < deadline, "The release never waited for its account.");
            await Task.Delay(20, Ct);
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction tx, string sql, long id)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        var p = cmd.CreateParameter();
        p.ParameterName = "id";
        p.Value = id;
        cmd.Parameters.Add(p);
        await using var reader = await cmd.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct), "The row to lock was not found.");
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync(Ct);
    }
}

[Trait("Speed", "Slow")]
public sealed class PostgresLockOrderTests(PostgresLedgerDatabase db) : LockOrderTests(db), IClassFixture<PostgresLedgerDatabase>
{
    protected override string LockAccountSql => "SELECT id FROM accounts WHERE id = @id FOR UPDATE";
    protected override string LockHoldWithoutWaitingSql => "SELECT id FROM reservations WHERE id = @id FOR UPDATE NOWAIT";
    protected override string WaitingSessionsSql =>
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
}

[Trait("Speed", "Slow")]
[Trait("Provider", "SqlServer")]
public sealed class SqlServerLockOrderTests(SqlServerLedgerDatabase db) : LockOrderTests(db), IClassFixture<SqlServerLedgerDatabase>
{
    protected override string LockAccountSql => "SELECT id FROM accounts WITH (UPDLOCK, ROWLOCK) WHERE id = @id";
    protected override string LockHoldWithoutWaitingSql => "SET LOCK_TIMEOUT 0; SELECT id FROM reservations WITH (UPDLOCK, ROWLOCK) WHERE id = @id";
    protected override string WaitingSessionsSql =>
        "SELECT count(*) FROM sys.dm_exec_requests WHERE database_id = DB_ID() AND blocking_session_id <> 0";
}
