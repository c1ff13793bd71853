using System.Data.Common;
using BillingConsole.Accounting.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace BillingConsole.Db.Postgres;

/// <summary>PostgreSQL: each operation is a single statement of data-modifying CTEs, atomic without a client transaction.
/// Under READ COMMITTED a writer blocked on the account (or reservation) row re-checks the guard on the committed row.</summary>
public sealed class PostgresLedgerDialect : ILedgerDialect
{
    private static readonly string PostWithFloor = Post(true);
    private static readonly string PostWithoutFloor = Post(false);

    public string PostSql(bool enforceFloor) => enforceFloor ? PostWithFloor : PostWithoutFloor;

    private static string Post(bool enforceFloor) => $"""
        WITH a AS (
            UPDATE accounts SET balance = balance + @amount, last_sequence = last_sequence + 1
            WHERE id = @account_id AND balance + @amount BETWEEN @min_balance AND @max_balance{LedgerSql.FloorGuard(enforceFloor)}
            RETURNING balance, last_sequence)
        INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
        SELECT @account_id, a.last_sequence, @type, @amount, a.balance, @created_at, @description, @source, @ref_id, @actor, @idempotency_key, NULL
        FROM a
        RETURNING {LedgerSql.ReturnedColumns}
        """;

    public string ReserveSql { get; } = $"""
        WITH a AS (
            UPDATE accounts SET balance = balance - @amount, last_sequence = last_sequence + 1
            WHERE id = @account_id AND balance - @amount >= overdraft_floor AND balance - @amount >= @min_balance
            RETURNING balance, last_sequence),
        r AS (
            INSERT INTO reservations (account_id, amount, status, created_at, expires_at)
            SELECT @account_id, @amount, 'open', @created_at, @expires_at FROM a
            RETURNING id)
        INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
        SELECT @account_id, a.last_sequence, @type, -@amount, a.balance, @created_at, @description, @source, r.id::text, @actor, @idempotency_key, r.id
        FROM a CROSS JOIN r
        RETURNING {LedgerSql.ReturnedColumns}
        """;

    public string ResolveSql { get; } = $"""
        WITH r AS (
            UPDATE reservations SET status = @status, resolved_at = @created_at, cost = CASE WHEN @status = 'settled' THEN @cost END
            WHERE id = @reservation_id AND account_id = @account_id AND status = 'open'
            RETURNING id, amount - @cost AS delta),
        a AS (
            UPDATE accounts SET balance = balance + (SELECT delta FROM r), last_sequence = last_sequence + 1
            WHERE id = @account_id AND EXISTS (SELECT 1 FROM r)
            RETURNING balance, last_sequence)
        INSERT INTO ledger_entries ({LedgerSql.EntryColumns})
        SELECT @account_id, a.last_sequence, @type, r.delta, a.balance, @created_at, @description, @source, r.id::text, @actor, NULL, r.id
        FROM a CROSS JOIN r
        RETURNING {LedgerSql.ReturnedColumns}
        """;

    public bool NeedsClientTransaction => false;

    public bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public void AddParameter(DbCommand command, string name, object? value)
    {
        // Typed explicitly: an untyped NULL or a reused parameter in CASE would leave PostgreSQL guessing.
        var p = new NpgsqlParameter(name, value ?? DBNull.Value)
        {
            NpgsqlDbType = value switch
            {
                long => NpgsqlDbType.Bigint,
                DateTime => NpgsqlDbType.TimestampTz,
                _ => NpgsqlDbType.Text,
            },
        };
        command.Parameters.Add(p);
    }
}
