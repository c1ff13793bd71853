using System.Data;
using System.Data.Common;
using System.Text.Json;
using BillingConsole.Accounting.Ledger;
using Microsoft.Data.SqlClient;

namespace BillingConsole.Db.SqlServer;

/// <summary>
/// SQL Server: each operation is one T-SQL batch with its own transaction (XACT_ABORT rolls it back on any error).
/// Guards read the locked rows (UPDLOCK) or capture the updated rows with OUTPUT into table variables, and every later
/// statement reads those, so a guard that matched nothing leaves nothing to write. The appended entry is selected last,
/// after COMMIT.
/// </summary>
public sealed class SqlServerLedgerDialect : ILedgerDialect
{
    // READ COMMITTED is stated, not assumed: a pooled connection may come back from a reader that used SNAPSHOT, under
    // which the UPDLOCK guard reads below would meet update conflicts (3960) instead of waiting for the row.
    private const string Prologue = """
        SET NOCOUNT ON; SET XACT_ABORT ON; SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
        DECLARE @a TABLE (id bigint, balance bigint, last_sequence bigint, last_entry_at datetime2);
        DECLARE @e TABLE (id bigint, sequence bigint, amount bigint, balance_after bigint, reservation_id bigint);
        """;

    private static readonly string EntryOutput =
        "OUTPUT " + string.Join(", ", LedgerSql.EntryReturning.Split(", ").Select(c => "inserted." + c)) + " INTO @e";

    // After the entry's INSERT: @a holds the account row and @e the entry when (and only when) it was appended.
    private static readonly string DayTotal = $"""
        MERGE ledger_day_totals WITH (HOLDLOCK) AS t
        USING (SELECT a.id AS account_id, CAST(a.last_entry_at AS date) AS day, @type AS type, e.amount FROM @a a CROSS JOIN @e e) AS s
        ON t.account_id = s.account_id AND t.day = s.day AND t.type = s.type
        WHEN MATCHED THEN UPDATE SET entries = t.entries + 1, amount = t.amount + s.amount
        WHEN NOT MATCHED THEN INSERT ({LedgerSql.DayTotalColumns}) VALUES (s.account_id, s.day, s.type, 1, s.amount);
        """;

    private static readonly string PostWithFloor = Post(true);
    private static readonly string PostWithoutFloor = Post(false);

    public string PostSql(bool enforceFloor) => enforceFloor ? PostWithFloor : PostWithoutFloor;

    private static string Post(bool enforceFloor) => $"""
        {Prologue}
        BEGIN TRANSACTION;
        UPDATE accounts SET balance = balance + @amount, last_sequence = last_sequence + 1, last_entry_at = CASE WHEN last_entry_at > @created_at THEN last_entry_at ELSE @created_at END
        OUTPUT inserted.id, inserted.balance, inserted.last_sequence, inserted.last_entry_at INTO @a
        WHERE id = @account_id AND balance + @amount BETWEEN @min_balance AND @max_balance{LedgerSql.PostStatusGuard}{LedgerSql.FloorGuard(enforceFloor)};
        INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
        {EntryOutput}
        SELECT @account_id, last_sequence, @type, @amount, balance, last_entry_at, @description, @source, @ref_id, @actor, @idempotency_key, NULL
        FROM @a;
        {DayTotal}
        COMMIT;
        SELECT {LedgerSql.EntryReturning}, NULL, NULL, NULL FROM @e;
        """;

    // Lock the account row, then the key row, then the budgets' rows, decide once, then write: no partial write.
    public string ReserveSql { get; } = $"""
        {Prologue}
        DECLARE @r TABLE (id bigint);
        DECLARE @b TABLE (id bigint, cur datetime2, committed bigint, amount bigint);
        DECLARE @balance bigint, @floor bigint, @status nvarchar(10), @committed bigint, @key_ok bit = 1;
        BEGIN TRANSACTION;
        SELECT @balance = balance, @floor = overdraft_floor, @status = status FROM accounts WITH (UPDLOCK, ROWLOCK) WHERE id = @account_id;
        IF @api_key_id IS NOT NULL
        BEGIN
            SET @key_ok = 0;
            SELECT @committed = CASE WHEN spend_month = @month THEN spend_committed ELSE 0 END,
                   @key_ok = CASE WHEN monthly_spend_limit IS NULL
                                    OR CASE WHEN spend_month = @month THEN spend_committed ELSE 0 END + @amount <= monthly_spend_limit
                             THEN 1 ELSE 0 END
            FROM api_keys WITH (UPDLOCK, ROWLOCK)
            WHERE id = @api_key_id AND account_id = @account_id AND revoked_at IS NULL;
        END
        INSERT INTO @b (id, cur, committed, amount)
        SELECT id, {LedgerSql.BudgetPeriodStart()}, {LedgerSql.BudgetCommitted()}, amount
        FROM budgets WITH (UPDLOCK, ROWLOCK) WHERE {LedgerSql.BudgetApplies()} AND @balance IS NOT NULL;
        IF @balance IS NOT NULL AND @status = {LedgerSql.ReserveStatus} AND @key_ok = 1 AND @balance - @amount >= @floor AND @balance - @amount >= @min_balance
            AND NOT EXISTS (SELECT 1 FROM @b WHERE committed + @amount > amount)
        BEGIN
            UPDATE accounts SET balance = balance - @amount, last_sequence = last_sequence + 1, last_entry_at = CASE WHEN last_entry_at > @created_at THEN last_entry_at ELSE @created_at END
            OUTPUT inserted.id, inserted.balance, inserted.last_sequence, inserted.last_entry_at INTO @a
            WHERE id = @account_id;
            IF @api_key_id IS NOT NULL
                UPDATE api_keys SET spend_committed = @committed + @amount, spend_month = @month, last_used_at = @created_at WHERE id = @api_key_id;
            INSERT INTO reservations ({LedgerSql.ReservationColumns})
            OUTPUT inserted.id INTO @r
            SELECT {LedgerSql.ReservationValues};
            UPDATE b SET committed = s.committed + @amount, period_start = s.cur FROM budgets b JOIN @b s ON s.id = b.id;
            INSERT INTO reservation_budgets ({LedgerSql.ReservationBudgetColumns})
            SELECT r.id, s.id, s.cur, @amount FROM @r r CROSS JOIN @b s;
            INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
            {EntryOutput}
            SELECT @account_id, a.last_sequence, @type, -@amount, a.balance, a.last_entry_at, @description, @source, CAST(r.id AS nvarchar(128)), @actor, @idempotency_key, r.id
            FROM @a a CROSS JOIN @r r;
            {DayTotal}
        END
        COMMIT;
        SELECT {LedgerSql.EntryReturning}, NULL, NULL, NULL FROM @e;
        """;

    // The hold's account is locked (UPDLOCK) before the hold, as every other writer locks an account before its holds:
    // taking the hold first and then waiting for the account deadlocked with a group or a batch settle holding it.
    public string ResolveSql { get; } = $"""
        {Prologue}
        DECLARE @r TABLE (id bigint, account_id bigint, amount bigint, cost bigint, market_cost bigint, api_key_id bigint,
            model_id bigint, price_id bigint, tags nvarchar(700), spend_month datetime2, created_at datetime2);
        DECLARE @locked bigint;
        BEGIN TRANSACTION;
        SELECT @locked = id FROM accounts WITH (UPDLOCK, ROWLOCK) WHERE id = (SELECT account_id FROM reservations WHERE id = @reservation_id AND {LedgerSql.UnresolvedHold});
        UPDATE reservations SET status = @status, resolved_at = @created_at, cost = {LedgerSql.ChargedCost}
        OUTPUT inserted.id, inserted.account_id, {LedgerSql.HeldBy("inserted.")}, inserted.cost, 0, inserted.api_key_id, inserted.model_id,
            inserted.price_id, inserted.tags, inserted.spend_month, inserted.created_at INTO @r
        WHERE id = @reservation_id AND account_id = @locked AND (@account_id IS NULL OR account_id = @account_id)
            AND {LedgerSql.ResolvableHold}{LedgerSql.ShapeGuard};
        IF EXISTS (SELECT 1 FROM @r)
        BEGIN
            UPDATE @r SET market_cost = {LedgerSql.ChargedMarketCost};
            UPDATE accounts SET balance = balance + (SELECT amount - cost FROM @r), last_sequence = last_sequence + 1, last_entry_at = CASE WHEN last_entry_at > @created_at THEN last_entry_at ELSE @created_at END
            OUTPUT inserted.id, inserted.balance, inserted.last_sequence, inserted.last_entry_at INTO @a
            WHERE id = (SELECT account_id FROM @r);
            UPDATE k SET spend_committed = k.spend_committed + r.cost - r.amount
            FROM api_keys k JOIN @r r ON k.id = r.api_key_id AND k.spend_month = r.spend_month;
            UPDATE b SET committed = b.committed + r.cost - r.amount
            FROM budgets b JOIN reservation_budgets rb ON rb.budget_id = b.id AND rb.period_start = b.period_start JOIN @r r ON rb.reservation_id = r.id;
            UPDATE rb SET amount = r.cost FROM reservation_budgets rb JOIN @r r ON rb.reservation_id = r.id;
            -- A late settle updates the record its hold's expiry wrote (only it can find one); any other resolution
            -- writes the first one.
            UPDATE q SET {string.Format(LedgerSql.RequestUpdate, "s")}
            FROM request_records q JOIN (SELECT id, @provider AS provider, @request_status AS status, @error_code AS error_code,
                @http_status AS http_status, @input_tokens AS input_tokens, @output_tokens AS output_tokens, @cached_tokens AS cached_tokens,
                cost, market_cost, @latency_ms AS latency_ms, @ttfb_ms AS ttfb_ms, @streaming AS streaming, @client_ip AS client_ip,
                @user_agent AS user_agent, @created_at AS completed_at, @quantity AS quantity FROM @r) s ON q.reservation_id = s.id
            WHERE @late = 1;
            INSERT INTO request_records ({LedgerSql.RequestColumns})
            SELECT account_id, id, api_key_id, model_id, price_id, @provider, @request_status, @error_code, @http_status, @input_tokens, @output_tokens,
                @cached_tokens, cost, market_cost, @latency_ms, @ttfb_ms, @streaming, @client_ip, @user_agent, tags, created_at, @created_at, @quantity
            FROM @r r WHERE model_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM request_records q WHERE q.reservation_id = r.id);
            IF {LedgerSql.Settling}
                MERGE usage_rollups WITH (HOLDLOCK)
                USING (SELECT account_id, model_id, COALESCE(api_key_id, 0) AS api_key_id, cost, market_cost FROM @r WHERE model_id IS NOT NULL) AS s
                ON usage_rollups.account_id = s.account_id AND usage_rollups.day = @day AND usage_rollups.model_id = s.model_id
                   AND usage_rollups.api_key_id = s.api_key_id
                WHEN MATCHED THEN UPDATE SET {string.Format(LedgerSql.RollupIncrement, "s.cost", "s.market_cost")}
                WHEN NOT MATCHED THEN INSERT ({LedgerSql.RollupColumns})
                    VALUES (s.account_id, @day, s.model_id, s.api_key_id, 1, @input_tokens, @output_tokens, @cached_tokens, s.cost, s.market_cost, @quantity);
            INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
            {EntryOutput}
            SELECT a.id, a.last_sequence, @type, r.amount - r.cost, a.balance, a.last_entry_at, @description, @source, CAST(r.id AS nvarchar(128)), @actor, NULL, r.id
            FROM @a a CROSS JOIN @r r;
            {DayTotal}
        END
        COMMIT;
        SELECT e.id, e.sequence, e.amount, e.balance_after, e.reservation_id, r.amount, r.cost, r.market_cost FROM @e e CROSS JOIN @r r;
        """;

    private static string SqlType(Type type) =>
        type == typeof(long) ? "bigint" : type == typeof(int) ? "int" : type == typeof(bool) ? "bit" : "nvarchar(max)";

    /// <summary>The input of <see cref="ResolveManySql"/>: each per-hold array arrives as a JSON array (see
    /// <see cref="AddParameter"/>), and OPENJSON's positions line the columns up, numbered from 1.</summary>
    private static readonly string Items = $"""
        DECLARE @i TABLE (ord int PRIMARY KEY, {string.Join(", ", LedgerSetSql.ItemColumns.Select(c => $"{LedgerSetSql.Column(c.Name)} {SqlType(c.Type)}"))});
        INSERT INTO @i (ord, {LedgerSetSql.ColumnList})
        SELECT CAST(c0.[key] AS int) + 1, {string.Join(", ", LedgerSetSql.ItemColumns.Select((c, k) => $"CAST(c{k}.value AS {SqlType(c.Type)})"))}
        FROM OPENJSON(@reservation_id) c0
        {string.Join("\n    ", LedgerSetSql.ItemColumns.Skip(1).Select((c, k) => $"JOIN OPENJSON(@{c.Name}) c{k + 1} ON c{k + 1}.[key] = c0.[key]"))};
        """;

    private static readonly string RequestValues = string.Join(", ", LedgerSql.RequestColumns.Split(", ").Select(c => c switch
    {
        "provider" or "error_code" or "http_status" or "input_tokens" or "output_tokens" or "cached_tokens" or "latency_ms" or "ttfb_ms"
            or "streaming" or "client_ip" or "user_agent" or "quantity" => $"i.{LedgerSetSql.Column(c)} AS {c}",
        "status" => $"i.{LedgerSetSql.Column("request_status")} AS status",
        "reservation_id" => "r.id AS reservation_id",
        "started_at" => "r.created_at AS started_at",
        "completed_at" => "@created_at AS completed_at",
        _ => $"r.{c}",
    }));

    // The set-based batch in the single resolve's steps (see the PostgreSQL dialect): resolve the holds, each guarded by
    // its own status, into @r; then write everything else from @r, aggregating what holds share (an account, a key, a
    // rollup or day-total row) so each such row is written once. Entries of one account take consecutive sequences and
    // running balances in input order from the account's opening values. The accounts are locked first, in id order,
    // as the other writers lock them. Derived counters (api_keys, budgets) aggregate @r by their key and update each
    // counter row once. A hold named twice resolves at its first mention only (the others are deleted from @i).
    public string? ResolveManySql { get; } = $"""
        SET NOCOUNT ON; SET XACT_ABORT ON; SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
        {Items}
        DELETE i FROM @i i WHERE EXISTS (SELECT 1 FROM @i f WHERE f.in_reservation_id = i.in_reservation_id AND f.ord < i.ord);
        DECLARE @r TABLE (ord int, id bigint, account_id bigint, amount bigint, cost bigint, market_cost bigint, api_key_id bigint,
            model_id bigint, price_id bigint, tags nvarchar(700), spend_month datetime2, created_at datetime2);
        DECLARE @s TABLE (id bigint, account_id bigint, k bigint, running bigint);
        DECLARE @a TABLE (id bigint, opening_balance bigint, opening_sequence bigint, last_entry_at datetime2);
        DECLARE @e TABLE (id bigint, sequence bigint, amount bigint, balance_after bigint, reservation_id bigint);
        BEGIN TRANSACTION;
        SELECT id FROM accounts WITH (UPDLOCK, ROWLOCK)
        WHERE id IN (SELECT h.account_id FROM reservations h JOIN @i i ON h.id = i.in_reservation_id) ORDER BY id;
        UPDATE reservations SET status = i.in_status, resolved_at = @created_at, cost = {LedgerSetSql.PerItem(LedgerSql.ChargedCost, "i")}
        OUTPUT i.ord, inserted.id, inserted.account_id, {LedgerSetSql.PerItem(LedgerSql.HeldBy("inserted."), "i")}, inserted.cost, 0, inserted.api_key_id,
            inserted.model_id, inserted.price_id, inserted.tags, inserted.spend_month, inserted.created_at INTO @r
        FROM reservations JOIN @i i ON reservations.id = i.in_reservation_id
        WHERE (i.in_account_id IS NULL OR account_id = i.in_account_id) AND {LedgerSetSql.PerItem(LedgerSql.ResolvableHold + LedgerSql.ShapeGuard, "i")};
        UPDATE r SET market_cost = {LedgerSetSql.PerItem(LedgerSql.ChargedMarketCost, "i")} FROM @r r JOIN @i i ON i.ord = r.ord;
        INSERT INTO @s (id, account_id, k, running)
        SELECT id, account_id, ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY ord),
            SUM(amount - cost) OVER (PARTITION BY account_id ORDER BY ord ROWS UNBOUNDED PRECEDING)
        FROM @r;
        UPDATE accounts SET balance = balance + d.delta, last_sequence = last_sequence + d.n,
            last_entry_at = CASE WHEN last_entry_at > @created_at THEN last_entry_at ELSE @created_at END
        OUTPUT inserted.id, inserted.balance - d.delta, inserted.last_sequence - d.n, inserted.last_entry_at INTO @a
        FROM accounts JOIN (SELECT account_id, SUM(amount - cost) AS delta, COUNT_BIG(*) AS n FROM @r GROUP BY account_id) d ON accounts.id = d.account_id;
        UPDATE k SET spend_committed = k.spend_committed + d.delta
        FROM api_keys k JOIN (SELECT api_key_id, spend_month, SUM(cost - amount) AS delta FROM @r GROUP BY api_key_id, spend_month) d
            ON k.id = d.api_key_id AND k.spend_month = d.spend_month;
        UPDATE b SET committed = b.committed + d.delta
        FROM budgets b JOIN (SELECT rb.budget_id, rb.period_start, SUM(r.cost - r.amount) AS delta
                FROM @r r JOIN reservation_budgets rb ON rb.reservation_id = r.id GROUP BY rb.budget_id, rb.period_start) d
            ON b.id = d.budget_id AND b.period_start = d.period_start;
        UPDATE rb SET amount = r.cost FROM reservation_budgets rb JOIN @r r ON rb.reservation_id = r.id;
        -- A late settle updates the record its hold's expiry wrote; any other resolution writes the first one.
        UPDATE q SET {string.Format(LedgerSql.RequestUpdate, "s")}
        FROM request_records q JOIN (SELECT {RequestValues} FROM @r r JOIN @i i ON i.ord = r.ord WHERE i.in_late = 1) s ON q.reservation_id = s.reservation_id;
        INSERT INTO request_records ({LedgerSql.RequestColumns})
        SELECT {RequestValues}
        FROM @r r JOIN @i i ON i.ord = r.ord WHERE r.model_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM request_records q WHERE q.reservation_id = r.id);
        MERGE usage_rollups WITH (HOLDLOCK)
        USING (SELECT r.account_id, r.model_id, COALESCE(r.api_key_id, 0) AS api_key_id, COUNT_BIG(*) AS calls, SUM(i.in_input_tokens) AS input_tokens,
                SUM(i.in_output_tokens) AS output_tokens, SUM(i.in_cached_tokens) AS cached_tokens, SUM(r.cost) AS cost, SUM(r.market_cost) AS market_cost,
                SUM(i.in_quantity) AS quantity
            FROM @r r JOIN @i i ON i.ord = r.ord WHERE r.model_id IS NOT NULL AND {LedgerSetSql.PerItem(LedgerSql.Settling, "i")}
            GROUP BY r.account_id, r.model_id, COALESCE(r.api_key_id, 0)) AS s
        ON usage_rollups.account_id = s.account_id AND usage_rollups.day = @day AND usage_rollups.model_id = s.model_id AND usage_rollups.api_key_id = s.api_key_id
        WHEN MATCHED THEN UPDATE SET {string.Join(", ", LedgerSql.RollupColumns.Split(", ").Skip(4).Select(c => $"{c} = usage_rollups.{c} + s.{c}"))}
        WHEN NOT MATCHED THEN INSERT ({LedgerSql.RollupColumns})
            VALUES (s.account_id, @day, s.model_id, s.api_key_id, s.calls, s.input_tokens, s.output_tokens, s.cached_tokens, s.cost, s.market_cost, s.quantity);
        INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
        {EntryOutput}
        SELECT a.id, a.opening_sequence + s.k, i.in_type, r.amount - r.cost, a.opening_balance + s.running, a.last_entry_at, i.in_description, i.in_source,
            CAST(r.id AS nvarchar(128)), i.in_actor, NULL, r.id
        FROM @r r JOIN @i i ON i.ord = r.ord JOIN @s s ON s.id = r.id JOIN @a a ON a.id = r.account_id
        ORDER BY a.id, s.k;
        MERGE ledger_day_totals WITH (HOLDLOCK) AS t
        USING (SELECT a.id AS account_id, CAST(a.last_entry_at AS date) AS day, i.in_type AS type, COUNT_BIG(*) AS entries, SUM(e.amount) AS amount
            FROM @e e JOIN @r r ON r.id = e.reservation_id JOIN @i i ON i.ord = r.ord JOIN @a a ON a.id = r.account_id
            GROUP BY a.id, CAST(a.last_entry_at AS date), i.in_type) AS s
        ON t.account_id = s.account_id AND t.day = s.day AND t.type = s.type
        WHEN MATCHED THEN UPDATE SET entries = t.entries + s.entries, amount = t.amount + s.amount
        WHEN NOT MATCHED THEN INSERT ({LedgerSql.DayTotalColumns}) VALUES (s.account_id, s.day, s.type, s.entries, s.amount);
        COMMIT;
        SELECT r.ord, e.id, e.sequence, e.amount, e.balance_after, e.reservation_id, r.amount, r.cost, r.market_cost FROM @e e JOIN @r r ON r.id = e.reservation_id;
        """;

    public bool NeedsClientTransaction => false;

    public bool IsUniqueViolation(DbException exception) => exception is SqlException { Number: 2601 or 2627 };

    public bool IsTransient(DbException exception) => exception is SqlException { Number: 1205 };

    // 547 is any constraint conflict (foreign keys too); only the balance-range CHECK is the backstop. The message is in
    // the session's language, so the constraint's name (never translated) decides, not the words around it.
    public bool IsCheckViolation(DbException exception) =>
        exception is SqlException { Number: 547 } e && e.Message.Contains(BalanceRangeConstraint, StringComparison.OrdinalIgnoreCase);

    private const string BalanceRangeConstraint = "ck_accounts_balance_range";

    public void AddParameter(DbParameterCollection parameters, string name, object? value, Type type)
    {
        // An array (a per-hold column of ResolveManySql) travels as one JSON array that OPENJSON takes apart.
        if (type.IsArray)
        {
            parameters.Add(new SqlParameter(name, SqlDbType.NVarChar, -1) { Value = JsonSerializer.Serialize(value) });
            return;
        }
        var p = new SqlParameter(name, value ?? DBNull.Value)
        {
            SqlDbType = type == typeof(long) ? SqlDbType.BigInt
                : type == typeof(int) ? SqlDbType.Int
                : type == typeof(bool) ? SqlDbType.Bit
                : type == typeof(DateTime) ? SqlDbType.DateTime2
                : SqlDbType.NVarChar,
        };
        // One size keeps one cached plan per text; a longer value gets nvarchar(max) rather than being cut short
        // silently by the driver (the column's own length then refuses it with an error).
        if (p.SqlDbType == SqlDbType.NVarChar)
            p.Size = value is string { Length: > 1000 } ? -1 : 1000;
        parameters.Add(p);
    }
}
