using System.Data.Common;
using System.Text;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Accounting.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace BillingConsole.Demo;

/// <summary>Multi-row INSERTs with explicit ids on the open EF connection and transaction.</summary>
internal sealed class BulkInsert(BillingDbContext db, ILedgerDialect dialect)
{
    private const int MaxParameters = 30_000;

    private static readonly (string Name, Type Type)[] EntryColumns = Columns(
        ("id", typeof(long)), ("account_id", typeof(long)), ("sequence", typeof(long)), ("type", typeof(string)), ("amount", typeof(long)),
        ("balance_after", typeof(long)), ("created_at", typeof(DateTime)), ("description", typeof(string)), ("source", typeof(string)),
        ("ref_id", typeof(string)), ("actor", typeof(string)), ("idempotency_key", typeof(string)), ("reservation_id", typeof(long)));

    private static readonly (string Name, Type Type)[] ReservationColumns = Columns(
        ("id", typeof(long)), ("account_id", typeof(long)), ("amount", typeof(long)), ("status", typeof(string)), ("created_at", typeof(DateTime)),
        ("expires_at", typeof(DateTime)), ("ttl_seconds", typeof(int)), ("resolved_at", typeof(DateTime)), ("cost", typeof(long)), ("api_key_id", typeof(long)),
        ("model_id", typeof(long)), ("price_id", typeof(long)), ("max_input_tokens", typeof(long)), ("max_output_tokens", typeof(long)),
        ("tags", typeof(string)), ("spend_month", typeof(DateTime)));

    private static readonly (string Name, Type Type)[] RequestColumns = Columns(
        ("id", typeof(long)), ("account_id", typeof(long)), ("reservation_id", typeof(long)), ("api_key_id", typeof(long)), ("model_id", typeof(long)),
        ("price_id", typeof(long)), ("provider", typeof(string)), ("status", typeof(string)), ("error_code", typeof(string)),
        ("http_status", typeof(int)), ("input_tokens", typeof(long)), ("output_tokens", typeof(long)), ("cached_tokens", typeof(long)), ("cost", typeof(long)),
        ("market_cost", typeof(long)), ("latency_ms", typeof(int)), ("ttfb_ms", typeof(int)), ("streaming", typeof(bool)),
        ("client_ip", typeof(string)), ("user_agent", typeof(string)), ("tags", typeof(string)), ("started_at", typeof(DateTime)),
        ("completed_at", typeof(DateTime)));

    private static readonly (string Name, Type Type)[] RollupColumns = Columns(
        ("id", typeof(long)), ("account_id", typeof(long)), ("day", typeof(DateTime)), ("model_id", typeof(long)), ("api_key_id", typeof(long)),
        ("calls", typeof(long)), ("input_tokens", typeof(long)), ("output_tokens", typeof(long)), ("cached_tokens", typeof(long)),
        ("cost", typeof(long)), ("market_cost", typeof(long)));

    public Task EntriesAsync(IReadOnlyList<LedgerEntry> rows, CancellationToken ct) => InsertAsync("ledger_entries", EntryColumns, rows, e =>
        [e.Id, e.AccountId, e.Sequence, e.Type, e.Amount, e.BalanceAfter, e.CreatedAt, e.Description, e.Source, e.RefId, e.Actor, e.IdempotencyKey, e.ReservationId], ct);

    public Task ReservationsAsync(IReadOnlyList<Reservation> rows, CancellationToken ct) => InsertAsync("reservations", ReservationColumns, rows, r =>
        [r.Id, r.AccountId, r.Amount, r.Status, r.CreatedAt, r.ExpiresAt, r.TtlSeconds, r.ResolvedAt, r.Cost, r.ApiKeyId, r.ModelId, r.PriceId,
            r.MaxInputTokens, r.MaxOutputTokens, r.Tags, r.SpendMonth], ct);

    public Task RequestsAsync(IReadOnlyList<RequestRecord> rows, CancellationToken ct) => InsertAsync("request_records", RequestColumns, rows, q =>
        [q.Id, q.AccountId, q.ReservationId, q.ApiKeyId, q.ModelId, q.PriceId, q.Provider, q.Status, q.ErrorCode, q.HttpStatus, q.InputTokens, q.OutputTokens,
            q.CachedTokens, q.Cost, q.MarketCost, q.LatencyMs, q.TtfbMs, q.Streaming, q.ClientIp, q.UserAgent, q.Tags, q.StartedAt, q.CompletedAt], ct);

    public async Task RollupsAsync(IReadOnlyList<UsageRollup> inserted, IReadOnlyList<UsageRollup> updated, CancellationToken ct)
    {
        await InsertAsync("usage_rollups", RollupColumns, inserted, u =>
            [u.Id, u.AccountId, u.Day, u.ModelId, u.ApiKeyId, u.Calls, u.InputTokens, u.OutputTokens, u.CachedTokens, u.Cost, u.MarketCost], ct);
        foreach (var u in updated)
            await db.UsageRollups.Where(x => x.Id == u.Id).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Calls, u.Calls).SetProperty(x => x.InputTokens, u.InputTokens).SetProperty(x => x.OutputTokens, u.OutputTokens)
                .SetProperty(x => x.CachedTokens, u.CachedTokens).SetProperty(x => x.Cost, u.Cost).SetProperty(x => x.MarketCost, u.MarketCost), ct);
    }

    /// <summary>Adds to the account's day totals (a few rows per day: one upsert each, the same SQL on SQLite and PostgreSQL).</summary>
    public async Task DayTotalsAsync(long accountId, Dictionary<(DateOnly Day, string Type), (long Entries, long Amount)> added, CancellationToken ct)
    {
        foreach (var ((day, type), (entries, amount)) in added)
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO ledger_day_totals (account_id, day, type, entries, amount) VALUES ({accountId}, {day}, {type}, {entries}, {amount})
                ON CONFLICT (account_id, day, type) DO UPDATE SET entries = ledger_day_totals.entries + excluded.entries,
                    amount = ledger_day_totals.amount + excluded.amount
                """, ct);
    }

    /// <summary>PostgreSQL identity sequences do not move for explicit ids; move them past the rows just written.</summary>
    public async Task AdvanceIdentitiesAsync(CancellationToken ct)
    {
        if (db.Database.ProviderName?.Contains("Npgsql") != true)
            return;
        // Fixed table names, not input: nothing here can inject.
        await db.Database.ExecuteSqlRawAsync(string.Join(";\n", new[] { "ledger_entries", "reservations", "request_records", "usage_rollups" }
            .Select(t => "SELECT setval(pg_get_serial_sequence('" + t + "', 'id'), GREATEST((SELECT MAX(id) FROM " + t + "), 1))")), ct);
    }

    private async Task InsertAsync<T>(string table, (string Name, Type Type)[] columns, IReadOnlyList<T> rows, Func<T, object?[]> values, CancellationToken ct)
    {
        if (rows.Count == 0)
            return;
        // SQLite looks named parameters up one by one, so one prepared single-row statement re-bound per row is fastest
        // there; PostgreSQL wants few round trips, so it gets multi-row statements.
        var perStatement = db.Database.ProviderName?.Contains("Sqlite") == true ? 1 : Math.Max(1, MaxParameters / columns.Length);
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        DbCommand? prepared = null;
        try
        {
            for (var offset = 0; offset < rows.Count; offset += perStatement)
            {
                var count = Math.Min(perStatement, rows.Count - offset);
                if (prepared is null || count != perStatement)
                {
                    if (prepared is not null)
                        await prepared.DisposeAsync();
                    prepared = Command(connection, transaction, table, columns, count);
                    await prepared.PrepareAsync(ct);
                }
                for (var r = 0; r < count; r++)
                {
                    var row = values(rows[offset + r]);
                    for (var c = 0; c < columns.Length; c++)
                        prepared.Parameters[r * columns.Length + c].Value = row[c] ?? DBNull.Value;
                }
                await prepared.ExecuteNonQueryAsync(ct);
            }
        }
        finally
        {
            if (prepared is not null)
                await prepared.DisposeAsync();
        }
    }

    private DbCommand Command(DbConnection connection, DbTransaction? transaction, string table, (string Name, Type Type)[] columns, int rows)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        var sql = new StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns.Select(c => c.Name))}) VALUES ");
        for (var r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Length; c++)
            {
                var name = $"p{r}_{c}";
                sql.Append(c == 0 ? "@" : ", @").Append(name);
                dialect.AddParameter(cmd.Parameters, name, null, columns[c].Type);
            }
            sql.Append(')');
        }
        cmd.CommandText = sql.ToString();
        return cmd;
    }

    private static (string, Type)[] Columns(params (string, Type)[] columns) => columns;
}
