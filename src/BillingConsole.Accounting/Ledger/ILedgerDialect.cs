using System.Data.Common;

namespace BillingConsole.Accounting.Ledger;

/// <summary>
/// The hot-path SQL of one database provider. Each operation is one statement or one batch (rule 4): a conditional
/// UPDATE of the account row (and, for a metered hold, of the API key row) decides success and serializes writers, and
/// the inserts take the new balance and sequence from it, so nothing is read and modified in application memory.
/// Every text returns at most one row of <see cref="LedgerSql.ReturnedColumns"/>; no row means a guard failed and
/// nothing was written (a client transaction, where there is one, is then rolled back). Every appended entry also adds
/// itself to its <see cref="LedgerDayTotal"/> row (account, UTC day of its created_at, type) in the same batch.
/// </summary>
public interface ILedgerDialect
{
    /// <summary>Appends one entry. With <paramref name="enforceFloor"/> the new balance must stay at or above the floor.
    /// Parameters: @account_id @amount @type @created_at @description @source @ref_id @actor @idempotency_key
    /// @min_balance @max_balance.</summary>
    string PostSql(bool enforceFloor);

    /// <summary>Debits @amount as a hold, opens a reservation and appends the reservation entry. With @api_key_id the
    /// key must be the account's, unrevoked, and within its monthly limit for @month, and its spend counter grows by the
    /// hold. Every live budget that applies (<see cref="LedgerSql.BudgetApplies"/>) must have room for the hold in its
    /// current period; each such budget's counter grows by it and a reservation_budgets row records it. Extra parameters:
    /// @expires_at @api_key_id @month @day_start @week_start @lifetime_start @model_id @price_id @max_input_tokens
    /// @max_output_tokens @tags @max_quantity.</summary>
    string ReserveSql { get; }

    /// <summary>Moves an open reservation (of @account_id, or of any account when it is NULL) to @status and appends
    /// the @type entry for (held − cost). The cost is 0 when @charge is 0, @cost for an unpriced hold, and otherwise
    /// <see cref="Catalog.Pricing"/>'s formula over the tokens and the reservation's price version. For a metered hold
    /// it also writes the request record, adjusts the key's spend counter and, when settled, the usage rollup of @day.
    /// Every budget that counted the hold (its reservation_budgets rows, while the budget still counts that period) moves
    /// by what the hold now counts (<see cref="LedgerSql.CountedBy"/>) minus what it counted.
    /// Only a hold of the settle's shape is resolved (<see cref="LedgerSql.ShapeGuard"/>). With @late = 1 it charges an
    /// expired hold whose settle arrived late (<see cref="LedgerSql.ResolvableHold"/>): the entry is −cost, the key
    /// counter grows by the cost, and the request record the expiry wrote is updated in place.
    /// Extra parameters: @reservation_id @status @late @charge @cost @day @input_tokens @output_tokens @cached_tokens @quantity
    /// @shape @request_status @error_code @http_status @latency_ms @ttfb_ms @streaming @provider @client_ip @user_agent.
    /// A resolution that returns no row wrote nothing, so a group commit runs many of them in one client transaction
    /// (where a provider's text opens its own transaction, it nests in the client's).</summary>
    string ResolveSql { get; }

    /// <summary>Resolves a whole batch of holds in one statement (<see cref="LedgerSetSql"/>: every per-hold parameter of
    /// <see cref="ResolveSql"/> is an array, @created_at and @day are shared), with exactly the writes each hold's
    /// <see cref="ResolveSql"/> would make, the entries of one account taking consecutive sequences in input order. A hold
    /// named twice resolves at its first mention only. Returns one row per resolved hold: its 1-based input position,
    /// then <see cref="LedgerSql.ReturnedColumns"/>; a hold with no row wrote nothing and is explained or retried by the
    /// single path. Runs inside a client transaction. Null: each hold of a batch takes the single path.</summary>
    string? ResolveManySql => null;

    /// <summary>Where the provider has no array parameters (SQLite): <see cref="ResolveManySql"/> reads its holds from a
    /// staging table of the connection, emptied by <c>Reset</c> and filled by <c>Stage</c>, run once per hold with @ord
    /// (its 1-based position) and the hold's single-resolution parameters. Null: the per-hold arrays are parameters.</summary>
    (string Reset, string Stage)? ResolutionStaging => null;

    /// <summary>True when the batch must run inside a client transaction (SQLite); other providers are atomic on their own.</summary>
    bool NeedsClientTransaction { get; }

    bool IsUniqueViolation(DbException exception);

    /// <summary>A deadlock or serialization failure: the batch wrote nothing and may simply run again.</summary>
    bool IsTransient(DbException exception);

    /// <summary>A CHECK constraint refused the batch (the accounts' balance-range backstop); it wrote nothing.</summary>
    bool IsCheckViolation(DbException exception);

    /// <summary>Adds a parameter of CLR type <paramref name="type"/> (long, int, bool, DateTime or string; the value may be
    /// null) the way this provider maps it to the migrated column types.</summary>
    void AddParameter(DbParameterCollection parameters, string name, object? value, Type type);
}

/// <summary>SQL shared by every dialect.</summary>
public static class LedgerSql
{
    public const string EntryColumns =
        "account_id, sequence, type, amount, balance_after, created_at, description, source, ref_id, actor, idempotency_key, reservation_id";

    /// <summary>What every batch returns: the appended entry, and for a resolution the hold, cost and market cost.</summary>
    public const string ReturnedColumns = "id, sequence, amount, balance_after, reservation_id, hold, cost, market_cost";

    public const int ReturnedColumnCount = 8;

    public const string EntryReturning = "id, sequence, amount, balance_after, reservation_id";

    public const string ReservationColumns =
        "account_id, amount, status, created_at, expires_at, ttl_seconds, api_key_id, model_id, price_id, max_input_tokens, max_output_tokens, tags, spend_month, max_quantity";

    public const string ReservationValues =
        "@account_id, @amount, 'open', @created_at, @expires_at, @ttl_seconds, @api_key_id, @model_id, @price_id, @max_input_tokens, @max_output_tokens, @tags, CASE WHEN @api_key_id IS NULL THEN NULL ELSE @month END, @max_quantity";

    public const string RequestColumns =
        "account_id, reservation_id, api_key_id, model_id, price_id, provider, status, error_code, http_status, input_tokens, output_tokens, cached_tokens, cost, market_cost, latency_ms, ttfb_ms, streaming, client_ip, user_agent, tags, started_at, completed_at, quantity";

    /// <summary>How a resolution updates the request record a late settle finds (the one its hold's expiry wrote);
    /// {0} names the incoming row (EXCLUDED, or a source alias). Started_at, key, model and tags stay the hold's.</summary>
    public const string RequestUpdate =
        "provider = {0}.provider, status = {0}.status, error_code = {0}.error_code, http_status = {0}.http_status, " +
        "input_tokens = {0}.input_tokens, output_tokens = {0}.output_tokens, cached_tokens = {0}.cached_tokens, cost = {0}.cost, " +
        "market_cost = {0}.market_cost, latency_ms = {0}.latency_ms, ttfb_ms = {0}.ttfb_ms, streaming = {0}.streaming, " +
        "client_ip = {0}.client_ip, user_agent = {0}.user_agent, completed_at = {0}.completed_at, quantity = {0}.quantity";

    /// <summary>A hold its resolution may still close (open, or expired for a late settle). A resolve locks the hold's
    /// account only then: a closed hold never reopens, so a replay does not queue behind the account's writers.</summary>
    public const string UnresolvedHold = "status = CASE WHEN @late = 1 THEN 'expired' ELSE 'open' END";

    /// <summary>Which holds a resolution may close. Normally an open one (an expiry only once its time has come, so an
    /// extension that committed first wins); with @late = 1 (a settle that arrived after the expiry) an expired one on
    /// an account that is not closed, charged in full because its hold was already handed back, and only when the call
    /// costs something: the expiry already recorded a call that costs nothing, and a usage_debit is never zero.</summary>
    public static string ResolvableHold =>
        $"{UnresolvedHold} AND (@status <> 'expired' OR expires_at <= @created_at) " +
        $"AND (@late = 0 OR (account_id IN (SELECT id FROM accounts WHERE status <> 'closed') AND {ChargedCost} > 0))";

    /// <summary>What the resolution still holds of a reservation row in scope: nothing once its expiry released it.</summary>
    public static string HeldBy(string alias = "") => $"(CASE WHEN @late = 1 THEN 0 ELSE {alias}amount END)";

    /// <summary>Resolutions that count as calls in the usage rollup.</summary>
    public const string Settling = "@status IN ('settled', 'settled_late')";

    public const string RollupColumns =
        "account_id, day, model_id, api_key_id, calls, input_tokens, output_tokens, cached_tokens, cost, market_cost, quantity";

    public const string RollupIncrement =
        "calls = usage_rollups.calls + 1, input_tokens = usage_rollups.input_tokens + @input_tokens, " +
        "output_tokens = usage_rollups.output_tokens + @output_tokens, cached_tokens = usage_rollups.cached_tokens + @cached_tokens, " +
        "cost = usage_rollups.cost + {0}, market_cost = usage_rollups.market_cost + {1}, quantity = usage_rollups.quantity + @quantity";

    public const string DayTotalColumns = "account_id, day, type, entries, amount";

    /// <summary>The upsert of an entry's <see cref="LedgerDayTotal"/> row; {0} is the new entry's amount.</summary>
    public const string DayTotalIncrement = "entries = ledger_day_totals.entries + 1, amount = ledger_day_totals.amount + {0}";

    /// <summary>A post (credit, debit, correction) lands on any account that is not closed: a suspended account still
    /// takes top-ups, refunds and charges for what already happened.</summary>
    public const string PostStatusGuard = " AND status <> 'closed'";

    /// <summary>Only an active account takes a new reservation: suspended and closed ones refuse new calls.</summary>
    public const string ReserveStatus = "'active'";

    /// <summary>A settle reports the shape of its hold: @shape 1 tokens (a token hold or an unpriced one), 2 a quantity
    /// (a hold on a priced unit); 0 (release, expiry, an unpriced settle) resolves either.</summary>
    public const string ShapeGuard =
        " AND (@shape = 0 OR (@shape = 1 AND max_quantity IS NULL) OR (@shape = 2 AND max_quantity IS NOT NULL))";

    /// <summary>The live budgets a reservation of @account_id (made with @api_key_id, or none) must fit, on a budgets row
    /// in scope as <paramref name="a"/>: the account's own and the key's.</summary>
    public static string BudgetApplies(string a = "") =>
        $"{a}account_id = @account_id AND {a}deleted_at IS NULL AND ({a}api_key_id IS NULL OR {a}api_key_id = @api_key_id)";

    /// <summary>The start of a budget's current period. The writer binds each kind's start from its clock (UTC calendar:
    /// @day_start, @week_start on Monday, @month, @lifetime_start), so the SQL does no date arithmetic.</summary>
    public static string BudgetPeriodStart(string a = "") =>
        $"CASE {a}period WHEN 'daily' THEN @day_start WHEN 'weekly' THEN @week_start WHEN 'monthly' THEN @month ELSE @lifetime_start END";

    /// <summary>What a budget has committed in its current period: its counter, or 0 once its period has rolled over.</summary>
    public static string BudgetCommitted(string a = "") =>
        $"CASE WHEN {a}period_start = {BudgetPeriodStart(a)} THEN {a}committed ELSE 0 END";

    public const string ReservationBudgetColumns = "reservation_id, budget_id, period_start, amount";

    /// <summary>What a reservation row <paramref name="a"/> counts against its budgets: the hold while open, then its cost
    /// (0 when released or expired, the charged cost when settled, also late).</summary>
    public static string CountedBy(string a = "") => $"(CASE WHEN {a}status = 'open' THEN {a}amount ELSE COALESCE({a}cost, 0) END)";

    public static string FloorGuard(bool enforceFloor) => enforceFloor ? " AND balance + @amount >= overdraft_floor" : "";

    /// <summary><see cref="Catalog.Pricing.Cost(long,long,long,long,long,long,long,long)"/> in SQL over the price row
    /// <paramref name="p"/>: whole parts and remainders are summed separately, so no token product exceeds 10^16, no
    /// quantity product 10^18, and the result is exactly the floor. A call reports tokens or @quantity, never both.</summary>
    public static string CostFormula(string p, string prefix = "") =>
        $"((@input_tokens - @cached_tokens) * ({p}.{prefix}input_per_million / 1000000) + @output_tokens * ({p}.{prefix}output_per_million / 1000000) " +
        $"+ @cached_tokens * ({p}.{prefix}cached_input_per_million / 1000000) + @quantity * ({p}.{prefix}unit_price / 1000000) " +
        $"+ ((@input_tokens - @cached_tokens) * ({p}.{prefix}input_per_million % 1000000) + @output_tokens * ({p}.{prefix}output_per_million % 1000000) " +
        $"+ @cached_tokens * ({p}.{prefix}cached_input_per_million % 1000000) + @quantity * ({p}.{prefix}unit_price % 1000000)) / 1000000)";

    /// <summary>The cost a resolution charges, evaluated on a reservation row whose price_id column is in scope.</summary>
    public static readonly string ChargedCost =
        $"CASE WHEN @charge = 0 THEN 0 WHEN price_id IS NULL THEN @cost ELSE (SELECT {CostFormula("p")} FROM model_prices p WHERE p.id = price_id) END";

    public static readonly string ChargedMarketCost =
        $"CASE WHEN @charge = 0 OR price_id IS NULL THEN 0 ELSE (SELECT {CostFormula("p", "market_")} FROM model_prices p WHERE p.id = price_id) END";
}
