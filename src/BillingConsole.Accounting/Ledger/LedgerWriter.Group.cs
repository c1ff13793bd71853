using System.Data.Common;
using System.Runtime.CompilerServices;
using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Ledger;

/// <summary>
/// Group commit (<see cref="LedgerCommitQueue{TWrite}"/>): posts, reservations and resolutions that arrive while another
/// commit is in flight run together, each its own guarded batch, in one client transaction: one commit, one disk sync.
/// Each keeps its own outcome: a batch whose guards refuse writes nothing (on SQLite a savepoint per write undoes its
/// partial statements), and it is explained or replayed by its caller after the commit, exactly as on the single path.
/// Callers are answered only after the commit returned.
/// </summary>
public sealed partial class LedgerWriter
{
    private readonly GroupCommitOptions _groupCommit = groupCommit?.Value ?? new GroupCommitOptions();
    private long _groupedWrites;

    /// <summary>How many of this writer's writes were committed in a group with others (diagnostics and tests).</summary>
    public long GroupedWrites => Interlocked.Read(ref _groupedWrites);

    /// <summary>One write waiting for a group. <see cref="LockKey"/> is its account (0 when not known up front).</summary>
    private sealed class QueuedWrite(long lockKey, string sql, Action<DbParameterCollection> bind) : IQueuedWrite
    {
        public long LockKey => lockKey;
        public string Sql => sql;
        public Action<DbParameterCollection> Bind => bind;
        public TaskCompletionSource<GroupedOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Fail(Exception exception) => Done.TrySetException(exception);
    }

    /// <summary>A write's result from its group. <see cref="RunAlone"/>: the group failed as a whole before its commit
    /// (a deadlock, a duplicate key on a provider without savepoints), so nothing of it was written and the write runs
    /// again on the single path.</summary>
    private readonly record struct GroupedOutcome(EntryRow? Row, bool OutOfRange, bool RunAlone, bool Grouped = true);

    /// <summary>Runs one batch (see <see cref="ExecuteAloneAsync"/>): alone when no commit is in flight, otherwise in
    /// the next group. A write that inserts an audit row always runs alone (its row is written through EF).</summary>
    private async Task<(EntryRow? Row, bool OutOfRange)> ExecuteAsync(BillingDbContext db, long lockKey, string sql,
        Action<DbParameterCollection> bind, Func<EntryRow, Admin.AdminAuditEntry>? record, CancellationToken ct)
    {
        if (record is not null || !(_groupCommit.Enabled ?? dialect.NeedsClientTransaction))
            return await ExecuteAloneAsync(db, sql, bind, record, ct);
        var queue = LedgerCommitQueue<QueuedWrite>.For(db.Database.GetConnectionString()!);
        var write = new QueuedWrite(lockKey, sql, bind);
        if (queue.TryLead(write, _groupCommit.MaxInFlight > 0 ? _groupCommit.MaxInFlight : dialect.NeedsClientTransaction ? 1 : 8))
        {
            try
            {
                return await ExecuteAloneAsync(db, sql, bind, null, ct);
            }
            finally
            {
                queue.HandOff(_groupCommit, RunGroupAsync);
            }
        }
        // Not cancellable once queued: the group may already be writing it, and the answer must say what happened.
        var outcome = await write.Done.Task;
        if (outcome.Grouped)
            Interlocked.Increment(ref _groupedWrites);
        return outcome.RunAlone ? await ExecuteAloneAsync(db, sql, bind, null, ct) : (outcome.Row, outcome.OutOfRange);
    }

    private async Task RunGroupAsync(IReadOnlyList<QueuedWrite> writes)
    {
        var ct = CancellationToken.None;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (writes.Count == 1)
        {
            var (row, outOfRange) = await ExecuteAloneAsync(db, writes[0].Sql, writes[0].Bind, null, ct);
            writes[0].Done.TrySetResult(new GroupedOutcome(row, outOfRange, false, Grouped: false));
            return;
        }
        // Accounts in one global order (a stable sort keeps arrival order within an account): groups, batch settles and
        // single writes lock account rows in ascending order, so they wait for each other instead of deadlocking.
        var order = Enumerable.Range(0, writes.Count).OrderBy(i => writes[i].LockKey).ToArray();
        var outcomes = new GroupedOutcome[writes.Count];
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        using (await EnterWriterGateAsync(connection, ct))
        {
            if (connection.CanCreateBatch)
                await RunPipelinedGroupAsync(connection, writes, order.ToList(), outcomes, ct);
            else
                await RunSavepointGroupAsync(connection, writes, order, outcomes, ct);
        }
        for (var i = 0; i < writes.Count; i++)
            writes[i].Done.TrySetResult(outcomes[i]);
    }

    // A failed commit is ambiguous (it may have reached the disk): it throws, and the queue fails every write of the
    // group with it, as a failed commit fails a single write; callers retry with their idempotency keys.
    private async Task RunSavepointGroupAsync(DbConnection connection, IReadOnlyList<QueuedWrite> writes, int[] order,
        GroupedOutcome[] outcomes, CancellationToken ct)
    {
        // One prepared command per text, re-bound per write: SQLite keeps the statements compiled for the whole group.
        var commands = new Dictionary<string, DbCommand>();
        try
        {
            if (await TryRunUnrefusedGroupAsync(connection, writes, order, outcomes, commands, ct))
                return;
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using var save = Command(connection, tx, "SAVEPOINT grouped_write");
            await using var undo = Command(connection, tx, "ROLLBACK TO grouped_write");
            await using var release = Command(connection, tx, "RELEASE grouped_write");
            foreach (var i in order)
                outcomes[i] = await RunInSavepointAsync(Rebound(commands, connection, tx, writes[i]), save, undo, release, ct);
            await tx.CommitAsync(ct);
        }
        finally
        {
            foreach (var cmd in commands.Values)
                await cmd.DisposeAsync();
        }
    }

    /// <summary>Nearly every group has no refused write, so it first runs without savepoints (three statements fewer per
    /// write). When a write is refused or raises, the transaction is rolled back, so nothing of the group was written,
    /// and it returns false: the group runs again with a savepoint per write.</summary>
    private async Task<bool> TryRunUnrefusedGroupAsync(DbConnection connection, IReadOnlyList<QueuedWrite> writes, int[] order,
        GroupedOutcome[] outcomes, Dictionary<string, DbCommand> commands, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            foreach (var i in order)
            {
                if (await RunAsync(Rebound(commands, connection, tx, writes[i]), ct) is not { } row)
                {
                    await tx.RollbackAsync(ct);
                    return false;
                }
                outcomes[i] = new GroupedOutcome(row, false, false);
            }
        }
        catch (DbException e) when (IsRetryable(e))
        {
            await tx.RollbackAsync(CancellationToken.None);
            return false;
        }
        await tx.CommitAsync(ct);
        return true;
    }

    private static DbCommand Rebound(Dictionary<string, DbCommand> commands, DbConnection connection, DbTransaction tx, QueuedWrite write)
    {
        if (!commands.TryGetValue(write.Sql, out var cmd))
            commands.Add(write.Sql, cmd = Command(connection, tx, write.Sql));
        cmd.Transaction = tx;
        cmd.Parameters.Clear();
        write.Bind(cmd.Parameters);
        return cmd;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction tx, string sql)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    /// <summary>SQLite: a batch whose guards refused may have run a statement before the guard that refused (a
    /// reservation's key counter), so each write gets a savepoint, undone when it wrote no entry or raised.</summary>
    private async Task<GroupedOutcome> RunInSavepointAsync(DbCommand cmd, DbCommand save, DbCommand undo, DbCommand release, CancellationToken ct)
    {
        await save.ExecuteNonQueryAsync(ct);
        try
        {
            var row = await RunAsync(cmd, ct);
            if (row is null)
                await undo.ExecuteNonQueryAsync(ct);
            await release.ExecuteNonQueryAsync(ct);
            return new GroupedOutcome(row, false, false);
        }
        catch (DbException e) when (IsRetryable(e))
        {
            await undo.ExecuteNonQueryAsync(ct);
            await release.ExecuteNonQueryAsync(ct);
            return new GroupedOutcome(null, dialect.IsCheckViolation(e), false);
        }
    }

    /// <summary>PostgreSQL and SQL Server: the group's batches in one round trip. A batch that raises (a duplicate
    /// idempotency key, the balance-range CHECK) aborts the transaction, so it is taken out, answered as refused (it
    /// wrote nothing; its caller replays or explains it) and the rest run again; a deadlock sends every write of the
    /// group to the single path.</summary>
    private async Task RunPipelinedGroupAsync(DbConnection connection, IReadOnlyList<QueuedWrite> writes, List<int> pending,
        GroupedOutcome[] outcomes, CancellationToken ct)
    {
        while (pending.Count > 0)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using var batch = CreateBatch(connection, tx, pending.Select(i => (writes[i].Sql, writes[i].Bind)).ToList());
            var read = new StrongBox<int>();
            try
            {
                var rows = await ReadBatchAsync(batch, read, ct);
                await tx.CommitAsync(ct);
                for (var k = 0; k < pending.Count; k++)
                    outcomes[pending[k]] = new GroupedOutcome(rows[k], false, false);
                return;
            }
            catch (DbException e) when (IsRetryable(e) && !dialect.IsTransient(e) && FailedCommand(batch, e, read.Value) is { } k)
            {
                await tx.RollbackAsync(CancellationToken.None);
                outcomes[pending[k]] = new GroupedOutcome(null, dialect.IsCheckViolation(e), false);
                pending.RemoveAt(k);
            }
            catch (DbException e) when (IsRetryable(e))
            {
                await tx.RollbackAsync(CancellationToken.None);
                foreach (var i in pending)
                    outcomes[i] = new GroupedOutcome(null, false, RunAlone: true, Grouped: false);
                return;
            }
        }
    }

    /// <summary>PostgreSQL and SQL Server: every batch in one round trip, run by the server in order; one row (or none)
    /// per batch, in the order given.</summary>
    private static async Task<EntryRow?[]> RunPipelinedAsync(DbConnection connection, DbTransaction tx,
        IReadOnlyList<(string Sql, Action<DbParameterCollection> Bind)> commands, CancellationToken ct)
    {
        await using var batch = CreateBatch(connection, tx, commands);
        return await ReadBatchAsync(batch, null, ct);
    }

    private static DbBatch CreateBatch(DbConnection connection, DbTransaction tx, IReadOnlyList<(string Sql, Action<DbParameterCollection> Bind)> commands)
    {
        var batch = connection.CreateBatch();
        batch.Transaction = tx;
        foreach (var (sql, bind) in commands)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = sql;
            bind(command.Parameters);
            batch.BatchCommands.Add(command);
        }
        return batch;
    }

    /// <summary>One row (or none) per batch command; <paramref name="read"/> counts the commands whose result was read,
    /// so when a command raises it names that command.</summary>
    private static async Task<EntryRow?[]> ReadBatchAsync(DbBatch batch, StrongBox<int>? read, CancellationToken ct)
    {
        var rows = new EntryRow?[batch.BatchCommands.Count];
        read ??= new StrongBox<int>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        do
        {
            if (reader.FieldCount != LedgerSql.ReturnedColumnCount)
                continue;
            rows[read.Value++] = await reader.ReadAsync(ct) ? ReadRow(reader) : null;
        } while (await reader.NextResultAsync(ct));
        return rows;
    }

    /// <summary>The batch command that raised: the driver's own answer when it gives one, else the first one whose
    /// result was not read (every command returns exactly one result).</summary>
    private static int? FailedCommand(DbBatch batch, DbException e, int read) =>
        e.BatchCommand is { } failed ? batch.BatchCommands.IndexOf(failed) is >= 0 and var k ? k : null
        : read < batch.BatchCommands.Count ? read : null;
}
