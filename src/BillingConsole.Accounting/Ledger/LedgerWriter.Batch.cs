using System.Data.Common;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Ledger;

/// <summary>
/// Resolving many holds together in one transaction, so hundreds of settlements cost one commit (one disk sync), and
/// one set-based statement resolves them all (<see cref="ILedgerDialect.ResolveManySql"/>; on SQLite fourteen statements
/// over the staged holds). Concurrent batches are merged into one transaction, up to
/// <see cref="ResolutionsPerTransaction"/> holds. Each hold is still guarded by its own <c>status = 'open'</c>, and
/// a hold the batch could not resolve (already closed, unknown, named twice, or a failure that rolled the transaction
/// back) goes through the single path afterwards, which retries, replays or explains it.
/// </summary>
public sealed partial class LedgerWriter
{
    /// <summary>Holds per transaction (the batch endpoints' own limit): bounds how long one batch keeps its account rows
    /// (and SQLite's writer) locked, about 55 ms for 500 on SQLite here.</summary>
    public const int ResolutionsPerTransaction = 500;

    private long _setResolutions;

    /// <summary>How many holds this writer resolved through the set-based statement (diagnostics and tests).</summary>
    public long SetResolutions => Interlocked.Read(ref _setResolutions);

    private long _mergedBatches;

    /// <summary>How many batches this writer wrote in one transaction with at least one other batch (diagnostics and tests).</summary>
    public long MergedBatches => Interlocked.Read(ref _mergedBatches);

    /// <summary>Settles many holds; one result per request, in order. Each succeeds or fails on its own.</summary>
    public Task<IReadOnlyList<LedgerResult<HoldResolution>>> SettleManyAsync(IReadOnlyList<SettleRequest> requests, CancellationToken ct = default) =>
        ResolveManyAsync(requests.Select(r => LedgerValidation.Check(r) is { } invalid
            ? (invalid, null)
            : ((LedgerFailure?)null, new Resolution(r.AccountId, r.ReservationId, ReservationStatus.Settled, EntryTypes.Settlement,
                r.Cost, r.Description, r.Origin, r.Outcome))).ToList(), ct);

    /// <summary>Releases many holds; one result per request, in order. Each succeeds or fails on its own.</summary>
    public Task<IReadOnlyList<LedgerResult<HoldResolution>>> ReleaseManyAsync(IReadOnlyList<ReleaseRequest> requests, CancellationToken ct = default) =>
        ResolveManyAsync(requests.Select(r => LedgerValidation.Check(r) is { } invalid
            ? (invalid, null)
            : ((LedgerFailure?)null, new Resolution(r.AccountId, r.ReservationId, ReservationStatus.Released, EntryTypes.Release,
                Money.Zero, r.Description, r.Origin, r.Outcome ?? ReleasedCall(RequestStatus.Cancelled)))).ToList(), ct);

    private async Task<IReadOnlyList<LedgerResult<HoldResolution>>> ResolveManyAsync(IReadOnlyList<(LedgerFailure? Invalid, Resolution? Resolution)> items,
        CancellationToken ct)
    {
        var results = new LedgerResult<HoldResolution>[items.Count];
        var pending = new List<(int Index, Resolution Resolution)>();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Invalid is { } invalid)
                results[i] = invalid;
            else
                pending.Add((i, items[i].Resolution!));
        }
        foreach (var chunk in pending.Chunk(ResolutionsPerTransaction))
        {
            var resolved = await ResolveTogetherAsync(chunk.Select(p => p.Resolution).ToList(), ct);
            for (var k = 0; k < chunk.Length; k++)
                results[chunk[k].Index] = resolved[k];
        }
        return results;
    }

    private async Task<LedgerResult<HoldResolution>[]> ResolveTogetherAsync(IReadOnlyList<Resolution> items, CancellationToken ct)
    {
        var rows = await WriteTogetherAsync(items, ct);
        var results = new LedgerResult<HoldResolution>[items.Count];
        for (var i = 0; i < items.Count; i++)
            results[i] = rows[i] is { } row ? Resolved(items[i], row) : await ResolveAsync(items[i], ct);
        return results;
    }

    /// <summary>One batch's holds waiting for the transaction of the batches that arrived while another was writing.</summary>
    private sealed class QueuedResolutions(IReadOnlyList<Resolution> items) : IQueuedWrite
    {
        public IReadOnlyList<Resolution> Items => items;
        public int Size => items.Count;
        public TaskCompletionSource<EntryRow?[]> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Fail(Exception exception) => Done.TrySetException(exception);
    }

    // Batches that arrive while one is writing are merged into the next transaction, up to ResolutionsPerTransaction
    // holds: one set of statements and one commit for all of them. Measured on SQLite, 500 holds in one transaction cost
    // about half as much per hold as 100 (index pages shared, one sync); docs/performance.md, scenario 2.
    private static readonly GroupCommitOptions BatchMerging = new() { MaxBatch = ResolutionsPerTransaction };

    /// <summary>Writes <paramref name="items"/> in one transaction, alone when no batch is writing, otherwise merged with the
    /// batches waiting beside it; returns each hold's entry, or null for one the set statements did not resolve.</summary>
    private async Task<EntryRow?[]> WriteTogetherAsync(IReadOnlyList<Resolution> items, CancellationToken ct)
    {
        _connectionString ??= await ConnectionStringAsync(ct);
        var queue = LedgerCommitQueue<QueuedResolutions>.For(_connectionString);
        var mine = new QueuedResolutions(items);
        if (!queue.TryLead(mine, maxInFlight: 1))
            return await mine.Done.Task; // Not cancellable once queued, as for group commit: the merged batch may be writing it.
        try
        {
            return await WriteSetAsync(items, ct);
        }
        finally
        {
            queue.HandOff(BatchMerging, RunMergedAsync);
        }
    }

    private string? _connectionString;

    private async Task<string> ConnectionStringAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return db.Database.GetConnectionString()!;
    }

    private async Task RunMergedAsync(IReadOnlyList<QueuedResolutions> batches)
    {
        var rows = await WriteSetAsync(batches.SelectMany(b => b.Items).ToList(), CancellationToken.None);
        if (batches.Count > 1)
            Interlocked.Add(ref _mergedBatches, batches.Count);
        var offset = 0;
        foreach (var batch in batches)
        {
            batch.Done.TrySetResult(rows[offset..(offset + batch.Size)]);
            offset += batch.Size;
        }
    }

    private async Task<EntryRow?[]> WriteSetAsync(IReadOnlyList<Resolution> items, CancellationToken ct)
    {
        var rows = new EntryRow?[items.Count];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        using var turn = await EnterWriterGateAsync(connection, ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            if (dialect.ResolveManySql is { } sql)
                await RunSetAsync(connection, tx, sql, items, rows, Now(), ct);
            await tx.CommitAsync(ct);
        }
        catch (DbException e) when (IsRetryable(e))
        {
            // A rare failure (a deadlock with a single settle of the same hold, a balance at its storable limit)
            // undid the whole transaction: every hold takes the single path afterwards.
            await tx.RollbackAsync(CancellationToken.None);
            Array.Clear(rows);
        }
        return rows;
    }

    // One statement for every hold (see ILedgerDialect.ResolveManySql): each per-hold parameter an array, in input order.
    private async Task RunSetAsync(DbConnection connection, DbTransaction tx, string sql, IReadOnlyList<Resolution> items,
        EntryRow?[] rows, DateTime now, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        if (dialect.ResolutionStaging is { } staging)
            await StageAsync(connection, tx, staging, items, now, ct);
        else
            BindItemArrays(connection, cmd, items, now);
        Bind(cmd.Parameters, "created_at", now);
        Bind(cmd.Parameters, "day", now.Date);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        do
        {
            if (reader.FieldCount != LedgerSql.ReturnedColumnCount + 1)
                continue;
            while (await reader.ReadAsync(ct))
            {
                rows[reader.GetInt64(0) - 1] = ReadRow(reader, 1);
                Interlocked.Increment(ref _setResolutions);
            }
        } while (await reader.NextResultAsync(ct));
    }

    // The per-hold parameters as arrays, one per column of LedgerSetSql.ItemColumns, read back from the single path's
    // own binding: both paths bind every value the same way.
    private void BindItemArrays(DbConnection connection, DbCommand cmd, IReadOnlyList<Resolution> items, DateTime now)
    {
        var columns = new Dictionary<string, Array>();
        foreach (var (name, type) in LedgerSetSql.ItemColumns)
            columns[name] = Array.CreateInstance(type.IsValueType ? typeof(Nullable<>).MakeGenericType(type) : type, items.Count);
        using (var single = connection.CreateCommand())
        {
            for (var i = 0; i < items.Count; i++)
            {
                single.Parameters.Clear();
                BindResolution(single.Parameters, items[i], now);
                foreach (var (name, _) in LedgerSetSql.ItemColumns)
                    columns[name].SetValue(single.Parameters[name].Value is var v && v == DBNull.Value ? null : v, i);
            }
        }
        foreach (var (name, _) in LedgerSetSql.ItemColumns)
            dialect.AddParameter(cmd.Parameters, name, columns[name], columns[name].GetType());
    }

    // SQLite: each hold staged by one short prepared statement, bound exactly as the single path binds it.
    private async Task StageAsync(DbConnection connection, DbTransaction tx, (string Reset, string Stage) staging,
        IReadOnlyList<Resolution> items, DateTime now, CancellationToken ct)
    {
        await using (var reset = Command(connection, tx, staging.Reset))
            await reset.ExecuteNonQueryAsync(ct);
        await using var stage = Command(connection, tx, staging.Stage);
        for (var i = 0; i < items.Count; i++)
        {
            stage.Parameters.Clear();
            BindResolution(stage.Parameters, items[i], now);
            Bind(stage.Parameters, "ord", i + 1L);
            await stage.ExecuteNonQueryAsync(ct);
        }
    }
}
