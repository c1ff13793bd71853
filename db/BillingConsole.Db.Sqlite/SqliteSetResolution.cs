using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Db.Sqlite;

/// <summary>
/// SQLite's set-based batch resolution (<see cref="ILedgerDialect.ResolveManySql"/>). SQLite has no array parameters,
/// so the holds are first staged one row each in a connection's temporary table (<see cref="Reset"/>, then
/// <see cref="Stage"/> per hold: one short statement), and fourteen statements then resolve them all at once, each
/// touching every row it shares once (an account, a key, a budget, a rollup or day-total row), as the PostgreSQL
/// statement does. The writer holds SQLite's one write lock for the whole transaction, so the guards evaluated by the
/// first statements still hold when the later ones write.
/// </summary>
internal static class SqliteSetResolution
{
    private const string Table = "temp.resolve_items";

    // What the staged row learns from its reservation: prefixed r_ so that no name shadows a column of the tables the
    // shared fragments name unqualified (reservations.status, .cost, .account_id...).
    private const string Facts = "r_account_id, r_amount, r_cost, r_market_cost, r_api_key_id, r_model_id, r_price_id, r_tags, r_spend_month, " +
        "r_created_at, r_sequence, r_balance";

    /// <summary>Creates the staging table on this connection if needed and empties it.</summary>
    public static readonly string Reset =
        $"CREATE TEMP TABLE IF NOT EXISTS resolve_items (ord, {LedgerSetSql.ColumnList}, {Facts}); DELETE FROM {Table};";

    /// <summary>Stages one hold: @ord (its 1-based input position) and the single resolution's own parameters.</summary>
    public static readonly string Stage =
        $"INSERT INTO {Table} (ord, {LedgerSetSql.ColumnList}) VALUES (@ord, {string.Join(", ", LedgerSetSql.ItemColumns.Select(c => "@" + c.Name))});";

    private static string PerItem(string sql) => LedgerSetSql.PerItem(sql, "resolve_items");

    private static readonly string RollupSums =
        string.Join(", ", LedgerSql.RollupColumns.Split(", ").Skip(4).Select(c => $"{c} = usage_rollups.{c} + excluded.{c}"));

    // The steps of the single resolution (SqliteLedgerDialect.ResolveSql), over the staged rows:
    // keep each hold's first mention; drop the holds whose guards refuse (they write nothing and take the single path);
    // learn each hold's facts (held amount and cost before the update, as the single path computes them); number each
    // account's entries in input order with their running balances; then write.
    public static readonly string Resolve = $"""
        DELETE FROM {Table} WHERE ord NOT IN (SELECT min(ord) FROM {Table} GROUP BY in_reservation_id);
        DELETE FROM {Table} WHERE NOT EXISTS (
            SELECT 1 FROM reservations WHERE reservations.id = resolve_items.in_reservation_id
              AND (resolve_items.in_account_id IS NULL OR reservations.account_id = resolve_items.in_account_id)
              AND {PerItem(LedgerSql.ResolvableHold + LedgerSql.ShapeGuard)});
        UPDATE {Table} SET (r_account_id, r_amount, r_cost, r_market_cost, r_api_key_id, r_model_id, r_price_id, r_tags, r_spend_month, r_created_at) =
            (SELECT account_id, {PerItem(LedgerSql.HeldBy())}, {PerItem(LedgerSql.ChargedCost)}, {PerItem(LedgerSql.ChargedMarketCost)},
                api_key_id, model_id, price_id, tags, spend_month, created_at
             FROM reservations WHERE reservations.id = resolve_items.in_reservation_id);
        UPDATE {Table} SET r_sequence = a.last_sequence + s.k, r_balance = a.balance + s.running
        FROM (SELECT ord, row_number() OVER w AS k, sum(r_amount - r_cost) OVER w AS running
              FROM {Table} WINDOW w AS (PARTITION BY r_account_id ORDER BY ord)) s
            JOIN accounts a
        WHERE s.ord = resolve_items.ord AND a.id = resolve_items.r_account_id;
        UPDATE reservations SET status = i.in_status, resolved_at = @created_at, cost = i.r_cost
        FROM {Table} i WHERE reservations.id = i.in_reservation_id;
        UPDATE accounts SET balance = balance + d.delta, last_sequence = last_sequence + d.n,
            last_entry_at = MAX(@created_at, COALESCE(last_entry_at, @created_at))
        FROM (SELECT r_account_id, sum(r_amount - r_cost) AS delta, count(*) AS n FROM {Table} GROUP BY r_account_id) d
        WHERE accounts.id = d.r_account_id;
        INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
        SELECT i.r_account_id, i.r_sequence, i.in_type, i.r_amount - i.r_cost, i.r_balance, a.last_entry_at, i.in_description, i.in_source,
            CAST(i.in_reservation_id AS TEXT), i.in_actor, NULL, i.in_reservation_id
        FROM {Table} i JOIN accounts a ON a.id = i.r_account_id ORDER BY i.r_account_id, i.r_sequence;
        INSERT INTO ledger_day_totals ({LedgerSql.DayTotalColumns})
        SELECT i.r_account_id, date(a.last_entry_at), i.in_type, count(*), sum(i.r_amount - i.r_cost)
        FROM {Table} i JOIN accounts a ON a.id = i.r_account_id WHERE true GROUP BY i.r_account_id, i.in_type
        ON CONFLICT (account_id, day, type) DO UPDATE SET entries = ledger_day_totals.entries + excluded.entries,
            amount = ledger_day_totals.amount + excluded.amount;
        UPDATE api_keys SET spend_committed = spend_committed + d.delta
        FROM (SELECT r_api_key_id, r_spend_month, sum(r_cost - r_amount) AS delta FROM {Table} WHERE r_api_key_id IS NOT NULL
              GROUP BY r_api_key_id, r_spend_month) d
        WHERE api_keys.id = d.r_api_key_id AND api_keys.spend_month = d.r_spend_month;
        INSERT INTO usage_rollups ({LedgerSql.RollupColumns})
        SELECT r_account_id, @day, r_model_id, COALESCE(r_api_key_id, 0), count(*), sum(in_input_tokens), sum(in_output_tokens),
            sum(in_cached_tokens), sum(r_cost), sum(r_market_cost), sum(in_quantity)
        FROM {Table} WHERE r_model_id IS NOT NULL AND {PerItem(LedgerSql.Settling)}
        GROUP BY r_account_id, r_model_id, COALESCE(r_api_key_id, 0)
        ON CONFLICT (account_id, day, model_id, api_key_id) DO UPDATE SET {RollupSums};
        INSERT INTO request_records ({LedgerSql.RequestColumns})
        SELECT r_account_id, in_reservation_id, r_api_key_id, r_model_id, r_price_id, in_provider, in_request_status, in_error_code,
            in_http_status, in_input_tokens, in_output_tokens, in_cached_tokens, r_cost, r_market_cost, in_latency_ms, in_ttfb_ms,
            in_streaming, in_client_ip, in_user_agent, r_tags, r_created_at, @created_at, in_quantity
        FROM {Table} WHERE r_model_id IS NOT NULL
        ON CONFLICT (reservation_id) DO UPDATE SET {string.Format(LedgerSql.RequestUpdate, "excluded")};
        UPDATE budgets SET committed = budgets.committed + d.delta
        FROM (SELECT rb.budget_id, rb.period_start, sum(i.r_cost - i.r_amount) AS delta
              FROM {Table} i JOIN reservation_budgets rb ON rb.reservation_id = i.in_reservation_id GROUP BY rb.budget_id, rb.period_start) d
        WHERE budgets.id = d.budget_id AND budgets.period_start = d.period_start;
        UPDATE reservation_budgets SET amount = i.r_cost FROM {Table} i WHERE reservation_budgets.reservation_id = i.in_reservation_id;
        SELECT i.ord, e.id, e.sequence, e.amount, e.balance_after, e.reservation_id, i.r_amount, i.r_cost, i.r_market_cost
        FROM {Table} i JOIN ledger_entries e ON e.account_id = i.r_account_id AND e.sequence = i.r_sequence;
        """;
}
