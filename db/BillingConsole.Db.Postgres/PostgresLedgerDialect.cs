using System.Data.Common;
using BillingConsole.Accounting.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace BillingConsole.Db.Postgres;

/// <summary>PostgreSQL: each operation is a single statement of data-modifying CTEs, atomic without a client transaction.
/// Under READ COMMITTED a writer blocked on the account (or reservation) row re-checks the guard on the committed row.</summary>
public sealed class PostgresLedgerDialect : ILedgerDialect
{
    /// <summary>The CTE that adds the entry to its day total; <paramref name="from"/> yields one row when the entry is appended.</summary>
    private static string DayTotal(string accountId, string amount, string from) => $"""
        t AS (
            INSERT INTO ledger_day_totals ({LedgerSql.DayTotalColumns})
            SELECT {accountId}, (a.last_entry_at AT TIME ZONE 'UTC')::date, @type, 1, {amount} FROM {from}
            ON CONFLICT (account_id, day, type) DO UPDATE SET {string.Format(LedgerSql.DayTotalIncrement, "EXCLUDED.amount")})
        """;

    private static readonly string PostWithFloor = Post(true);
    private static readonly string PostWithoutFloor = Post(false);

    public string PostSql(bool enforceFloor) => enforceFloor ? PostWithFloor : PostWithoutFloor;

    private static string Post(bool enforceFloor) => $"""
        WITH a AS (
            UPDATE accounts SET balance = balance + @amount, last_sequence = last_sequence + 1, last_entry_at = GREATEST(@created_at, last_entry_at)
            WHERE id = @account_id AND balance + @amount BETWEEN @min_balance AND @max_balance{LedgerSql.PostStatusGuard}{LedgerSql.FloorGuard(enforceFloor)}
            RETURNING balance, last_sequence, last_entry_at),
        {DayTotal("@account_id", "@amount", "a")}
        INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
        SELECT @account_id, a.last_sequence, @type, @amount, a.balance, a.last_entry_at, @description, @source, @ref_id, @actor, @idempotency_key, NULL
        FROM a
        RETURNING {LedgerSql.EntryReturning}, NULL::bigint, NULL::bigint, NULL::bigint
        """;

    // The account row is locked first, then the key row, then the budgets' rows (FOR UPDATE returns the latest committed
    // versions), and every update depends on the one guard computed from those locked values: no partial write.
    public string ReserveSql { get; } = $"""
        WITH acct AS (
            SELECT balance, overdraft_floor, status FROM accounts WHERE id = @account_id FOR UPDATE),
        k AS (
            SELECT CASE WHEN spend_month = @month THEN spend_committed ELSE 0 END AS committed, monthly_spend_limit
            FROM api_keys
            WHERE id = @api_key_id AND account_id = @account_id AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM acct)
            FOR UPDATE),
        bud AS (
            SELECT id, amount, {LedgerSql.BudgetPeriodStart()} AS cur, {LedgerSql.BudgetCommitted()} AS committed
            FROM budgets
            WHERE {LedgerSql.BudgetApplies()} AND EXISTS (SELECT 1 FROM acct)
            FOR UPDATE),
        ok AS (
            SELECT 1 FROM acct
            WHERE acct.status = {LedgerSql.ReserveStatus} AND acct.balance - @amount >= acct.overdraft_floor AND acct.balance - @amount >= @min_balance
              AND (@api_key_id IS NULL OR EXISTS (SELECT 1 FROM k WHERE k.monthly_spend_limit IS NULL OR k.committed + @amount <= k.monthly_spend_limit))
              AND NOT EXISTS (SELECT 1 FROM bud WHERE bud.committed + @amount > bud.amount)),
        a AS (
            UPDATE accounts SET balance = balance - @amount, last_sequence = last_sequence + 1, last_entry_at = GREATEST(@created_at, last_entry_at)
            WHERE id = @account_id AND EXISTS (SELECT 1 FROM ok)
            RETURNING balance, last_sequence, last_entry_at),
        ku AS (
            UPDATE api_keys SET spend_committed = (SELECT committed FROM k) + @amount, spend_month = @month, last_used_at = @created_at
            WHERE id = @api_key_id AND EXISTS (SELECT 1 FROM a)),
        bu AS (
            UPDATE budgets SET committed = bud.committed + @amount, period_start = bud.cur
            FROM bud WHERE budgets.id = bud.id AND EXISTS (SELECT 1 FROM a)),
        r AS (
            INSERT INTO reservations ({LedgerSql.ReservationColumns})
            SELECT {LedgerSql.ReservationValues} FROM a
            RETURNING id),
        rb AS (
            INSERT INTO reservation_budgets ({LedgerSql.ReservationBudgetColumns})
            SELECT r.id, bud.id, bud.cur, @amount FROM r CROSS JOIN bud),
        {DayTotal("@account_id", "-@amount", "a CROSS JOIN r")}
        INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
        SELECT @account_id, a.last_sequence, @type, -@amount, a.balance, a.last_entry_at, @description, @source, r.id::text, @actor, @idempotency_key, r.id
        FROM a CROSS JOIN r
        RETURNING {LedgerSql.EntryReturning}, NULL::bigint, NULL::bigint, NULL::bigint
        """;

    // A late settle (@late = 1) finds the hold expired and its record written by the expiry: the record is updated in
    // place (the only conflict possible, since a hold is resolved by one batch), and "held" is 0 because the expiry
    // already gave the amount back, so the entry, the balance and the key counter move by the whole cost.
    public string ResolveSql { get; } = $"""
        WITH r AS (
            UPDATE reservations SET status = @status, resolved_at = @created_at, cost = {LedgerSql.ChargedCost}
            WHERE id = @reservation_id AND (@account_id IS NULL OR account_id = @account_id) AND {LedgerSql.ResolvableHold}{LedgerSql.ShapeGuard}
            RETURNING id, account_id, {LedgerSql.HeldBy()} AS amount, cost, {LedgerSql.ChargedMarketCost} AS market_cost,
                api_key_id, model_id, price_id, tags, spend_month, created_at),
        a AS (
            UPDATE accounts SET balance = balance + (SELECT amount - cost FROM r), last_sequence = last_sequence + 1, last_entry_at = GREATEST(@created_at, last_entry_at)
            WHERE id = (SELECT account_id FROM r)
            RETURNING id, balance, last_sequence, last_entry_at),
        ku AS (
            UPDATE api_keys SET spend_committed = spend_committed + (SELECT cost - amount FROM r)
            WHERE id = (SELECT api_key_id FROM r) AND spend_month = (SELECT spend_month FROM r)),
        bu AS (
            UPDATE budgets SET committed = budgets.committed + (SELECT cost - amount FROM r)
            FROM reservation_budgets rb
            WHERE rb.reservation_id = (SELECT id FROM r) AND rb.budget_id = budgets.id AND rb.period_start = budgets.period_start),
        rbu AS (
            UPDATE reservation_budgets SET amount = (SELECT cost FROM r) WHERE reservation_id = (SELECT id FROM r)),
        rec AS (
            INSERT INTO request_records ({LedgerSql.RequestColumns})
            SELECT account_id, id, api_key_id, model_id, price_id, @provider, @request_status, @error_code, @http_status, @input_tokens, @output_tokens,
                @cached_tokens, cost, market_cost, @latency_ms, @ttfb_ms, @streaming, @client_ip, @user_agent, tags, created_at, @created_at, @quantity
            FROM r WHERE model_id IS NOT NULL
            ON CONFLICT (reservation_id) DO UPDATE SET {string.Format(LedgerSql.RequestUpdate, "EXCLUDED")}),
        roll AS (
            INSERT INTO usage_rollups ({LedgerSql.RollupColumns})
            SELECT account_id, @day, model_id, COALESCE(api_key_id, 0), 1, @input_tokens, @output_tokens, @cached_tokens, cost, market_cost, @quantity
            FROM r WHERE model_id IS NOT NULL AND {LedgerSql.Settling}
            ON CONFLICT (account_id, day, model_id, api_key_id) DO UPDATE SET {string.Format(LedgerSql.RollupIncrement, "EXCLUDED.cost", "EXCLUDED.market_cost")}),
        {DayTotal("a.id", "r.amount - r.cost", "a CROSS JOIN r")},
        e AS (
            INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
            SELECT a.id, a.last_sequence, @type, r.amount - r.cost, a.balance, a.last_entry_at, @description, @source, r.id::text, @actor, NULL, r.id
            FROM a CROSS JOIN r
            RETURNING {LedgerSql.EntryReturning})
        SELECT e.id, e.sequence, e.amount, e.balance_after, e.reservation_id, r.amount, r.cost, r.market_cost FROM e CROSS JOIN r
        """;

    public bool NeedsClientTransaction => false;

    public bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public bool IsTransient(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    public bool IsCheckViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.CheckViolation };

    public void AddParameter(DbParameterCollection parameters, string name, object? value, Type type)
    {
        // Typed explicitly: an untyped NULL or a reused parameter in CASE would leave PostgreSQL guessing.
        var p = new NpgsqlParameter(name, value ?? DBNull.Value)
        {
            NpgsqlDbType = type == typeof(long) ? NpgsqlDbType.Bigint
                : type == typeof(int) ? NpgsqlDbType.Integer
                : type == typeof(bool) ? NpgsqlDbType.Boolean
                : type == typeof(DateTime) ? NpgsqlDbType.TimestampTz
                : NpgsqlDbType.Text,
        };
        parameters.Add(p);
    }
}
