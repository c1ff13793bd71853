using System.Collections.Concurrent;
using System.Data.Common;
using BillingConsole.Accounting.Ledger;
using Microsoft.Data.Sqlite;

namespace BillingConsole.Db.Sqlite;

/// <summary>
/// SQLite: each operation is one batch run in one BEGIN IMMEDIATE transaction (SQLite serializes writers on the
/// database, and the writer rolls the transaction back when the batch returns no row). SQLite has no data-modifying
/// CTEs, so statements after a guard are themselves guarded: by <c>changes() = 1</c> right after it, and later by
/// facts only this batch can have created.
/// </summary>
public sealed class SqliteLedgerDialect : ILedgerDialect
{
    private const string NoResolution = "NULL, NULL, NULL";

    // Right after the entry's INSERT: last_insert_rowid() is that entry, and changes() = 1 only if it was inserted.
    private static readonly string DayTotal = $"""
        INSERT INTO ledger_day_totals ({LedgerSql.DayTotalColumns})
        SELECT account_id, date(created_at), type, 1, amount FROM ledger_entries WHERE id = last_insert_rowid() AND changes() = 1
        ON CONFLICT (account_id, day, type) DO UPDATE SET {string.Format(LedgerSql.DayTotalIncrement, "excluded.amount")};
        """;

    private static readonly string PostWithFloor = Post(true);
    private static readonly string PostWithoutFloor = Post(false);

    public string PostSql(bool enforceFloor) => enforceFloor ? PostWithFloor : PostWithoutFloor;

    private static string Post(bool enforceFloor) => $"""
        UPDATE accounts SET balance = balance + @amount, last_sequence = last_sequence + 1, last_entry_at = MAX(@created_at, COALESCE(last_entry_at, @created_at))
        WHERE id = @account_id AND balance + @amount BETWEEN @min_balance AND @max_balance{LedgerSql.PostStatusGuard}{LedgerSql.FloorGuard(enforceFloor)};
        INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
        SELECT @account_id, last_sequence, @type, @amount, balance, last_entry_at, @description, @source, @ref_id, @actor, @idempotency_key, NULL
        FROM accounts WHERE id = @account_id AND changes() = 1
        RETURNING {LedgerSql.EntryReturning}, {NoResolution};
        {DayTotal}
        """;

    // The budgets' counters grow first (those of an earlier period start afresh), then the key guard runs (a no-op
    // without a key); the account guard requires the key to have matched and no budget to have gone past its amount.
    // If it refuses, the writer rolls the transaction back (a group commit its savepoint), taking the counters with it.
    // The hold's budget rows are written last, for the reservation the account's newest entry holds.
    public string ReserveSql { get; } = $"""
        UPDATE budgets SET committed = {LedgerSql.BudgetCommitted()} + @amount, period_start = {LedgerSql.BudgetPeriodStart()}
        WHERE {LedgerSql.BudgetApplies()};
        UPDATE api_keys SET spend_committed = CASE WHEN spend_month = @month THEN spend_committed ELSE 0 END + @amount,
            spend_month = @month, last_used_at = @created_at
        WHERE @api_key_id IS NOT NULL AND id = @api_key_id AND account_id = @account_id AND revoked_at IS NULL
          AND (monthly_spend_limit IS NULL OR CASE WHEN spend_month = @month THEN spend_committed ELSE 0 END + @amount <= monthly_spend_limit);
        UPDATE accounts SET balance = balance - @amount, last_sequence = last_sequence + 1, last_entry_at = MAX(@created_at, COALESCE(last_entry_at, @created_at))
        WHERE id = @account_id AND status = {LedgerSql.ReserveStatus} AND balance - @amount >= overdraft_floor AND balance - @amount >= @min_balance
          AND (@api_key_id IS NULL OR changes() = 1)
          AND NOT EXISTS (SELECT 1 FROM budgets b WHERE {LedgerSql.BudgetApplies("b.")} AND b.committed > b.amount);
        INSERT INTO reservations ({LedgerSql.ReservationColumns})
        SELECT {LedgerSql.ReservationValues} WHERE changes() = 1;
        INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
        SELECT @account_id, a.last_sequence, @type, -@amount, a.balance, a.last_entry_at, @description, @source, CAST(r.id AS TEXT), @actor, @idempotency_key, r.id
        FROM accounts a JOIN reservations r ON r.id = last_insert_rowid() AND r.account_id = a.id
        WHERE a.id = @account_id AND changes() = 1
        RETURNING {LedgerSql.EntryReturning}, {NoResolution};
        {DayTotal}
        INSERT INTO reservation_budgets ({LedgerSql.ReservationBudgetColumns})
        SELECT e.reservation_id, b.id, b.period_start, @amount
        FROM ledger_entries e JOIN accounts a ON a.id = e.account_id AND a.last_sequence = e.sequence
            JOIN budgets b ON {LedgerSql.BudgetApplies("b.")}
        WHERE e.account_id = @account_id AND e.type = 'reservation'
          AND NOT EXISTS (SELECT 1 FROM reservation_budgets x WHERE x.reservation_id = e.reservation_id);
        """;

    // After the entry, "this batch resolved a metered hold" is: the hold is closed and has no request record yet (a
    // metered hold gets its record in the same transaction that closes it), or it was settled late and its record
    // still says what the expiry wrote. The record is written (or, late, updated) last.
    private const string ResolvedHere =
        "r.id = @reservation_id AND r.status <> 'open' AND r.model_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM request_records q " +
        "WHERE q.reservation_id = r.id AND (r.status <> 'settled_late' OR q.status <> 'expired'))";

    // With @late = 1 the hold was already handed back by its expiry, so "held" is 0 and the entry is the whole cost.
    private static readonly string Held = LedgerSql.HeldBy();

    public string ResolveSql { get; } = $"""
        UPDATE reservations SET status = @status, resolved_at = @created_at, cost = {LedgerSql.ChargedCost}
        WHERE id = @reservation_id AND (@account_id IS NULL OR account_id = @account_id) AND {LedgerSql.ResolvableHold}{LedgerSql.ShapeGuard};
        UPDATE accounts SET balance = balance + (SELECT {Held} - cost FROM reservations WHERE id = @reservation_id),
            last_sequence = last_sequence + 1, last_entry_at = MAX(@created_at, COALESCE(last_entry_at, @created_at))
        WHERE id = (SELECT account_id FROM reservations WHERE id = @reservation_id) AND changes() = 1;
        INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
        SELECT a.id, a.last_sequence, @type, {LedgerSql.HeldBy("r.")} - r.cost, a.balance, a.last_entry_at, @description, @source, CAST(r.id AS TEXT), @actor, NULL, r.id
        FROM reservations r JOIN accounts a ON a.id = r.account_id
        WHERE r.id = @reservation_id AND changes() = 1
        RETURNING {LedgerSql.EntryReturning}, (SELECT {Held} FROM reservations WHERE id = @reservation_id),
            (SELECT cost FROM reservations WHERE id = @reservation_id), (SELECT {LedgerSql.ChargedMarketCost} FROM reservations WHERE id = @reservation_id);
        {DayTotal}
        UPDATE api_keys SET spend_committed = spend_committed + (SELECT r.cost - {LedgerSql.HeldBy("r.")} FROM reservations r WHERE {ResolvedHere})
        WHERE id = (SELECT r.api_key_id FROM reservations r WHERE {ResolvedHere} AND r.spend_month = api_keys.spend_month);
        INSERT INTO usage_rollups ({LedgerSql.RollupColumns})
        SELECT r.account_id, @day, r.model_id, COALESCE(r.api_key_id, 0), 1, @input_tokens, @output_tokens, @cached_tokens, r.cost, {LedgerSql.ChargedMarketCost}, @quantity
        FROM reservations r WHERE {ResolvedHere} AND {LedgerSql.Settling}
        ON CONFLICT (account_id, day, model_id, api_key_id) DO UPDATE SET {string.Format(LedgerSql.RollupIncrement, "excluded.cost", "excluded.market_cost")};
        INSERT INTO request_records ({LedgerSql.RequestColumns})
        SELECT r.account_id, r.id, r.api_key_id, r.model_id, r.price_id, @provider, @request_status, @error_code, @http_status, @input_tokens, @output_tokens,
            @cached_tokens, r.cost, {LedgerSql.ChargedMarketCost}, @latency_ms, @ttfb_ms, @streaming, @client_ip, @user_agent, r.tags, r.created_at, @created_at, @quantity
        FROM reservations r WHERE {ResolvedHere}
        ON CONFLICT (reservation_id) DO UPDATE SET {string.Format(LedgerSql.RequestUpdate, "excluded")};
        {BudgetResolution}
        """;

    // Moves each budget that counted the hold by what the hold counts now minus what it counted, then records the new
    // figure: it depends only on the hold's row, so it is right whether or not this batch closed the hold (a refused
    // resolution in a batch settle changes nothing) and needs no changes() guard.
    private static readonly string BudgetResolution = $"""
        UPDATE budgets SET committed = committed + (SELECT {LedgerSql.CountedBy("r.")} - rb.amount FROM reservation_budgets rb
            JOIN reservations r ON r.id = rb.reservation_id WHERE rb.reservation_id = @reservation_id AND rb.budget_id = budgets.id)
        WHERE id IN (SELECT rb.budget_id FROM reservation_budgets rb WHERE rb.reservation_id = @reservation_id AND rb.period_start = budgets.period_start);
        UPDATE reservation_budgets SET amount = (SELECT {LedgerSql.CountedBy("r.")} FROM reservations r WHERE r.id = reservation_budgets.reservation_id)
        WHERE reservation_id = @reservation_id;
        """;

    public string? ResolveManySql => SqliteSetResolution.Resolve;

    public (string Reset, string Stage)? ResolutionStaging => (SqliteSetResolution.Reset, SqliteSetResolution.Stage);

    public bool NeedsClientTransaction => true;

    public bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    // Writers queue on the database lock (BEGIN IMMEDIATE + busy timeout); there are no deadlocks to retry.
    public bool IsTransient(DbException exception) => false;

    // SQLITE_CONSTRAINT_CHECK
    public bool IsCheckViolation(DbException exception) => exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 275 };

    // Named as written in the SQL ("@name"): the driver binds a parameter by looking its name up in every statement of
    // the batch, and a bare name costs it three more lookups (one per prefix), each marshalling the name, for every
    // statement that does not use it. Measured: about a tenth of a grouped write's time (docs/performance.md).
    public void AddParameter(DbParameterCollection parameters, string name, object? value, Type type) =>
        parameters.Add(new SqliteParameter(SqlNames.GetOrAdd(name, static n => "@" + n), value ?? DBNull.Value));

    private static readonly ConcurrentDictionary<string, string> SqlNames = new(StringComparer.Ordinal);
}
